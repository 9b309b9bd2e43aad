using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;
using RogerRat.Http.Webhooks;

namespace RogerRat.Http.Api;

/// <summary>Everything needed to run a hub in-process.</summary>
public sealed class HubServerOptions
{
    /// <summary>Address and port the hub binds (default 127.0.0.1:7424; port 0 picks a free one, see <see cref="HubServer.LocalEndPoint"/>).</summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Loopback, 7424);
    /// <summary>The engine's limits: channels, sessions per channel, ring size, TTLs, message sizes.</summary>
    public HubOptions Hub { get; set; } = new();
    /// <summary>Where channels live: null keeps them in memory; a durable store (RogerRat.Storage's <c>LogHubStore</c>) brings them back after a restart. The caller owns and disposes it, after the server.</summary>
    public RogerRat.Core.Storage.IHubStore? Store { get; set; }
    /// <summary>Where transcripts go (reference §5): null keeps them in memory (<see cref="HubServiceOptions.TranscriptEventsInMemory"/>
    /// per channel); RogerRat.Storage's <c>JsonlTranscriptStore</c> writes JSONL files. The server flushes it when it stops;
    /// the caller owns and disposes it, after the server.</summary>
    public RogerRat.Core.Service.Transcripts.ITranscriptStore? Transcripts { get; set; }
    /// <summary>The rules both faces share: origin, hub token, rate limits, listen and history limits.</summary>
    public HubServiceOptions Service { get; set; } = new();
    /// <summary>Peers whose <c>X-Forwarded-For</c> names the client (<c>--trusted-proxy</c>); no other peer is believed.</summary>
    public List<IPAddress> TrustedProxies { get; } = [];
    /// <summary>The HTTP server's limits (header and body sizes, timeouts, connections); its end point is <see cref="EndPoint"/>.</summary>
    public HttpServerOptions Http { get; } = new();
    /// <summary>Outbound webhooks (PROTOCOL §4): limits, retries, and <see cref="WebhookOptions.AllowPrivateAddresses"/>.</summary>
    public WebhookOptions Webhooks { get; set; } = new();
    /// <summary>Where the server, the service layer and webhooks log (default: nowhere).</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;
    /// <summary>Null: derive the origin from the bound address.</summary>
    public string? Origin { get; set; }
    /// <summary>The clock for TTLs, listen timeouts and message ids (tests pass a fake one).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}

/// <summary>
/// A whole hub (engine + REST + discovery, and whatever is mounted, such as MCP) on the HTTP server: the embedding API,
/// and exactly what the <c>rogerrat</c> binary runs. <c>await using var hub = await HubServer.StartAsync(options);</c>
/// </summary>
public sealed class HubServer : IAsyncDisposable
{
    private readonly HttpServer _http;
    private readonly ITimer _prune;
    private readonly RestApi _rest;
    private readonly WebhookDispatcher _webhooks;

    private HubServer(HubServerOptions options)
    {
        Options = options;
        var logger = options.LoggerFactory.CreateLogger("RogerRat.Hub");
        Hub = new Hub(options.Store, options.Hub, options.Time);
        Service = new HubService(Hub, options.Service, logger, options.Transcripts);
        _rest = new RestApi(Service, options.TrustedProxies, logger);
        _webhooks = new WebhookDispatcher(Hub, options.Webhooks, options.Time, options.LoggerFactory.CreateLogger("RogerRat.Webhooks"),
            options.Store as RogerRat.Core.Storage.IExtensionStore);
        _webhooks.Metrics = Service.Metrics;
        _webhooks.RestoreRegistrations();
        _rest.Webhooks = _webhooks;
        _rest.Map(Router);
        options.Http.EndPoint = options.EndPoint;
        options.Http.Rejected ??= (status, code) =>
        {
            Service.Metrics.Rejection(code);
            Service.Metrics.Request(status);
        };
        _http = new HttpServer(options.Http, HandleAsync, options.LoggerFactory.CreateLogger("RogerRat.Http"));
        Service.Metrics.ObserveConnections(() => _http.OpenConnections);
        _prune = options.Time.CreateTimer(static s => ((HubService)s!).Prune(), Service, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>The options the server was created with.</summary>
    public HubServerOptions Options { get; }
    /// <summary>The channel engine this server fronts; in-process code may use it directly beside HTTP clients.</summary>
    public Hub Hub { get; }

    /// <summary>The face-neutral service layer every face calls.</summary>
    public HubService Service { get; }

    /// <summary>Every route of the hub: REST, discovery and pages, and whatever extensions (MCP) map before start.</summary>
    internal HttpRouter Router { get; } = new();

    /// <summary>The end point actually bound (the real port when <see cref="HubServerOptions.EndPoint"/> asked for port 0).</summary>
    public IPEndPoint LocalEndPoint => _http.LocalEndPoint;
    /// <summary>The origin the hub advertises in discovery documents and connect blocks, e.g. <c>http://127.0.0.1:7424</c>.</summary>
    public string Origin => Options.Service.Origin;

    /// <summary>The client's address for rate limits: the socket peer, or the forwarded client behind a trusted proxy.</summary>
    internal string ClientAddress(HttpRequest request) => _rest.ClientAddress(request);

    /// <summary>Creates the hub without starting it, so extensions (MCP) can map their endpoints first.</summary>
    public static HubServer Create(HubServerOptions options) => new(options);

    /// <summary>Creates the hub and starts listening; the returned server is accepting connections.</summary>
    public static async Task<HubServer> StartAsync(HubServerOptions options)
    {
        var server = Create(options);
        await server.StartAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Binds <see cref="HubServerOptions.EndPoint"/> and starts accepting; call once, after mapping extensions.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The address is in use or cannot be bound.</exception>
    public async Task StartAsync()
    {
        await _http.StartAsync().ConfigureAwait(false);
        if (Options.Origin is not null) Options.Service.Origin = Options.Origin.TrimEnd('/');
        else if (Options.Service.Origin == new HubServiceOptions().Origin)
        {
            var ep = LocalEndPoint;
            var host = ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
                : ep.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ep.Address}]" : ep.Address.ToString();
            Options.Service.Origin = $"http://{host}:{ep.Port}";
        }
    }

    /// <summary>The original's security headers, sent on every response (reference §2.0).</summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> SecurityHeaders => s_securityHeaders;

    private static readonly KeyValuePair<string, string>[] s_securityHeaders =
    [
        new("X-Content-Type-Options", "nosniff"),
        new("X-Frame-Options", "DENY"),
        new("Referrer-Policy", "strict-origin-when-cross-origin"),
        new("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
        new("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        new("Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
    ];

    private static readonly HttpHeaderBlock s_securityHeaderBlock = HttpHeaderBlock.Encode(s_securityHeaders);

    // Every answered request is counted here, whichever face answered it (a long-poll or stream when it ends).
    private async ValueTask HandleAsync(HttpContext context)
    {
        context.Response.AddHeaderBlock(s_securityHeaderBlock);
        try
        {
            await Router.HandleAsync(context).ConfigureAwait(false);
        }
        finally
        {
            Service.Metrics.Request(context.Response.StatusCode);
        }
    }

    /// <summary>Stops accepting, answers parked listens, drains, and stops the engine's timers.</summary>
    public async Task StopAsync()
    {
        // Woken once the server has stopped accepting and marks its responses Connection: close, before handlers are
        // cancelled: a parked listen answers an ordinary empty delivery, as the connection's last response.
        await _http.StopAsync(answerParked: Hub.WakeAllListeners).ConfigureAwait(false);
        _prune.Dispose();
        await _webhooks.DisposeAsync().ConfigureAwait(false);
        await Service.Transcripts.Store.FlushAsync().ConfigureAwait(false);
        Hub.Dispose();
    }

    /// <summary>Stops the server (as <see cref="StopAsync"/>) and releases the engine.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _http.DisposeAsync().ConfigureAwait(false);
    }
}
