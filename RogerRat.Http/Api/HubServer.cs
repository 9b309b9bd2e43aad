using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Core;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

/// <summary>Everything needed to run a hub in-process.</summary>
public sealed class HubServerOptions
{
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Loopback, 7424);
    public HubOptions Hub { get; set; } = new();
    public RestApiOptions Api { get; set; } = new();
    public HttpServerOptions Http { get; } = new();
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;
    /// <summary>Null: derive the origin from the bound address.</summary>
    public string? Origin { get; set; }
    public TimeProvider Time { get; set; } = TimeProvider.System;
}

/// <summary>
/// A whole hub (engine + REST + discovery, and whatever is mounted, such as MCP) on the HTTP server: the embedding API,
/// and exactly what the <c>rogerrat</c> binary runs. <c>await using var hub = await HubServer.StartAsync(options);</c>
/// </summary>
public sealed class HubServer : IAsyncDisposable
{
    private readonly List<(string Prefix, HttpHandler Handler)> _mounts = [];
    private readonly HttpServer _http;
    private readonly ILogger _logger;
    private readonly ITimer _prune;

    private HubServer(HubServerOptions options)
    {
        Options = options;
        _logger = options.LoggerFactory.CreateLogger("RogerRat.Hub");
        Hub = new Hub(options.Hub, options.Time);
        Api = new RestApi(Hub, options.Api, _logger);
        options.Http.EndPoint = options.EndPoint;
        _http = new HttpServer(options.Http, HandleAsync, options.LoggerFactory.CreateLogger("RogerRat.Http"));
        _prune = options.Time.CreateTimer(static s => ((RestApi)s!).Prune(), Api, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    public HubServerOptions Options { get; }
    public Hub Hub { get; }
    public RestApi Api { get; }
    public IPEndPoint LocalEndPoint => _http.LocalEndPoint;
    public string Origin => Options.Api.Origin;

    /// <summary>Creates the hub without starting it, so extensions (MCP) can mount their endpoints first.</summary>
    public static HubServer Create(HubServerOptions options) => new(options);

    public static async Task<HubServer> StartAsync(HubServerOptions options)
    {
        var server = Create(options);
        await server.StartAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Routes every request whose path is <paramref name="prefix"/> or below it to <paramref name="handler"/>.</summary>
    public void Mount(string prefix, HttpHandler handler) => _mounts.Add((prefix.TrimEnd('/'), handler));

    public async Task StartAsync()
    {
        await _http.StartAsync().ConfigureAwait(false);
        if (Options.Origin is not null) Options.Api.Origin = Options.Origin.TrimEnd('/');
        else if (Options.Api.Origin == new RestApiOptions().Origin)
        {
            var ep = LocalEndPoint;
            var host = ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1"
                : ep.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ep.Address}]" : ep.Address.ToString();
            Options.Api.Origin = $"http://{host}:{ep.Port}";
        }
    }

    private ValueTask HandleAsync(HttpContext context)
    {
        var path = context.Request.Path;
        foreach (var (prefix, handler) in _mounts)
        {
            if (path == prefix || (path.StartsWith(prefix, StringComparison.Ordinal) && path.Length > prefix.Length && path[prefix.Length] == '/'))
            {
                foreach (var (name, value) in RestApi.SecurityHeaders) context.Response.AddHeader(name, value);
                return handler(context);
            }
        }
        return ServeRestAsync(context);
    }

    private async ValueTask ServeRestAsync(HttpContext context)
    {
        var response = await Api.HandleAsync(new HttpApiRequest(context)).ConfigureAwait(false);
        await WriteAsync(context, response).ConfigureAwait(false);
    }

    /// <summary>Writes an API response and tells it whether the bytes reached the socket (commit-on-write).</summary>
    public static async ValueTask WriteAsync(HttpContext context, ApiResponse response)
    {
        context.Response.StatusCode = response.Status;
        context.Response.ContentType = response.Status == 204 ? null : response.ContentType;
        foreach (var (name, value) in response.Headers) context.Response.AddHeader(name, value);
        var written = await context.Response.WriteAsync(response.Body).ConfigureAwait(false);
        response.Written?.Invoke(written);
    }

    /// <summary>Stops accepting, answers parked listens, drains, and stops the engine's timers.</summary>
    public async Task StopAsync()
    {
        // Woken once the server has stopped accepting and marks its responses Connection: close, before handlers are
        // cancelled: a parked listen answers an ordinary empty delivery, as the connection's last response.
        await _http.StopAsync(answerParked: Hub.WakeAllListeners).ConfigureAwait(false);
        _prune.Dispose();
        Hub.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _http.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class HttpApiRequest(HttpContext context) : IApiRequest
    {
        public string Method => context.Request.Method;
        public string Path => context.Request.Path;
        public string? Query(string name) => context.Request.Query(name);
        public string? Header(string name) => context.Request.Header(name);
        public ReadOnlyMemory<byte> Body => context.Request.Body;
        public IPAddress? RemoteAddress => context.Request.RemoteEndPoint?.Address;
        public CancellationToken Aborted => context.RequestAborted;
    }
}
