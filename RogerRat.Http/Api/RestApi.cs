using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

/// <summary>
/// The REST face of a hub (reference §2 with PROTOCOL §1–2): it maps its routes on the hub's <see cref="HttpRouter"/>,
/// reads each request into a service command, calls <see cref="HubService"/> and writes the result. Errors are mapped
/// in one place (statuses from <see cref="RestErrors"/>).
/// </summary>
internal sealed partial class RestApi
{
    private readonly HubService _service;
    private readonly IReadOnlyList<IPAddress> _trustedProxies;
    private readonly ILogger _logger;

    public RestApi(HubService service, IReadOnlyList<IPAddress> trustedProxies, ILogger? logger = null)
    {
        _service = service;
        _trustedProxies = trustedProxies;
        _logger = logger ?? NullLogger.Instance;
    }

    private HubServiceOptions Options => _service.Options;

    private Hub Hub => _service.Hub;

    /// <summary>Which credential a route needs besides its own: none (discovery), the hub token as header or bearer, or
    /// the hub token as header only (channel routes, whose bearer is the channel's).</summary>
    private enum HubTokenGuard { None, HeaderOrBearer, HeaderOnly }

    /// <summary>Maps every REST, discovery and page route.</summary>
    public void Map(HttpRouter router)
    {
        router.Map("POST", "/api/channels", Route(CreateChannelAsync, HubTokenGuard.HeaderOrBearer));
        router.Map("GET", "/api/channels/{id}", Route(ChannelInfoAsync, HubTokenGuard.HeaderOnly));
        router.Map("POST", "/api/channels/{id}/join", Route(JoinAsync, HubTokenGuard.HeaderOnly));
        router.Map("POST", "/api/channels/{id}/keepalive", Route(KeepaliveAsync, HubTokenGuard.HeaderOnly));
        router.Map("POST", "/api/channels/{id}/send", Route(SendAsync, HubTokenGuard.HeaderOnly));
        router.Map("POST", "/api/channels/{id}/leave", Route(LeaveAsync, HubTokenGuard.HeaderOnly));
        router.Map("GET", "/api/channels/{id}/listen", Route((c, v) => ListenAsync(c, v, wait: false), HubTokenGuard.HeaderOnly), servesHead: false);
        router.Map("GET", "/api/channels/{id}/wait", Route((c, v) => ListenAsync(c, v, wait: true), HubTokenGuard.HeaderOnly), servesHead: false);
        router.Map("GET", "/api/channels/{id}/stream", Route(StreamAsync, HubTokenGuard.HeaderOnly), servesHead: false);
        router.Map("GET", "/api/channels/{id}/stats", Route(ChannelStatsAsync, HubTokenGuard.HeaderOnly));
        router.Map("GET", "/api/channels/{id}/roster", Route(RosterAsync, HubTokenGuard.HeaderOnly));
        router.Map("GET", "/api/channels/{id}/history", Route(HistoryAsync, HubTokenGuard.HeaderOnly));
        router.Map("GET", "/api/channels/{id}/transcript", Route(TranscriptAsync, HubTokenGuard.HeaderOnly));
        router.Map("GET", "/api/bands", Route(BandsAsync, HubTokenGuard.HeaderOrBearer));
        router.Map("GET", "/api/stats", Route(GlobalStatsAsync, HubTokenGuard.HeaderOrBearer));
        MapAdmin(router);
        MapWebhooks(router);
        MapDiscovery(router);
        router.NotFound = c =>
        {
            _service.Metrics.Rejection(HubErrors.NotFound);
            return WriteErrorAsync(c, 404, "not found", HubErrors.NotFound);
        };
        router.MethodNotAllowed = (c, allow) =>
        {
            _service.Metrics.Rejection("method_not_allowed");
            return WriteErrorAsync(c, 405, $"method not allowed; use {allow.Replace(", HEAD", "", StringComparison.Ordinal)}", "method_not_allowed");
        };
    }

    // One error mapping for every route: a refusal is its catalogue entry; a client gone is 503; a bug is a logged 500.
    private Func<HttpContext, RouteValues, ValueTask> Route(Func<HttpContext, RouteValues, ValueTask> route, HubTokenGuard guard) => async (c, v) =>
    {
        try
        {
            if (guard != HubTokenGuard.None)
            {
                _service.RequireHubToken(c.Request.Header("X-RogerRat-Token"), guard == HubTokenGuard.HeaderOrBearer ? Bearer(c) : null);
            }
            await route(c, v).ConfigureAwait(false);
        }
        catch (HubException e) when (!c.Response.HasStarted)
        {
            _service.Metrics.Rejection(HubErrors.CodeOf(e.Error.Reason));
            await WriteErrorAsync(c, e.Error).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (c.RequestAborted.IsCancellationRequested && !c.Response.HasStarted)
        {
            await WriteErrorAsync(c, new HubError(HubErrorReason.Unavailable, "request cancelled")).ConfigureAwait(false);
        }
        catch (Exception e) when (!c.Response.HasStarted)
        {
            _logger.LogError(e, "unhandled error on {Method} {Path}", c.Request.Method, c.Request.Path);
            await WriteErrorAsync(c, 500, "internal", "internal").ConfigureAwait(false);
        }
    };

    private static string? Bearer(HttpContext c) => HubService.Bearer(c.Request.Header("Authorization"));

    private ValueTask<Channel> AuthorizedChannelAsync(HttpContext c, RouteValues v) => _service.AuthorizedChannelAsync(v["id"]!, Bearer(c), c.RequestAborted);

    // The original's wording names the header and where its value comes from.
    private static string SessionId(HttpContext c, HubError missing) =>
        c.Request.Header("X-Session-Id") is { Length: > 0 } sid ? sid : throw new HubException(missing);

    /// <summary>The client's address: the socket peer, or the first <c>X-Forwarded-For</c> hop when the peer is a trusted proxy.</summary>
    public string ClientAddress(HttpRequest request)
    {
        var peer = request.RemoteEndPoint?.Address;
        if (peer is not null && _trustedProxies.Count > 0 && IsTrustedProxy(peer) && request.Header("X-Forwarded-For") is { } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            if (IPAddress.TryParse(first, out var client)) return client.ToString();
        }
        return peer?.ToString() ?? "unknown";
    }

    private bool IsTrustedProxy(IPAddress peer)
    {
        var p = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        foreach (var proxy in _trustedProxies)
        {
            if (proxy.Equals(p)) return true;
        }
        return false;
    }

    private static ValueTask<bool> WriteJsonAsync(HttpContext c, ReadOnlyMemory<byte> body, RateLimitDecision? rate = null, int status = 200)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json";
        if (rate is { } d) RateHeaders(c.Response, d);
        return c.Response.WriteAsync(body);
    }

    // Takes the pooled body: the response copies it into the connection's output before WriteAsync returns, so the
    // array is back in the pool before the send is awaited (and a thousand woken listens never hold a thousand arrays).
    private static ValueTask<bool> WriteJsonAsync(HttpContext c, PooledJson body, RateLimitDecision? rate = null, int status = 200)
    {
        try
        {
            return WriteJsonAsync(c, body.Memory, rate, status);
        }
        finally
        {
            body.Dispose();
        }
    }

    private static readonly byte[] s_ok = """{"ok":true}"""u8.ToArray();

    private static async ValueTask WriteOkAsync(HttpContext c) => await WriteJsonAsync(c, s_ok).ConfigureAwait(false);

    private static async ValueTask WriteErrorAsync(HttpContext c, HubError error)
    {
        if (error.Rate is { } d)
        {
            RateHeaders(c.Response, d);
            c.Response.AddHeader("Retry-After", d.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture));
        }
        await WriteJsonAsync(c, WireJson.Error(error), status: RestErrors.Status(error.Reason)).ConfigureAwait(false);
    }

    private static async ValueTask WriteErrorAsync(HttpContext c, int status, string message, string code) =>
        await WriteJsonAsync(c, WireJson.Error(message, code), status: status).ConfigureAwait(false);

    private static void RateHeaders(HttpResponse response, RateLimitDecision d)
    {
        response.AddHeader("X-RateLimit-Limit", d.Limit.ToString(CultureInfo.InvariantCulture));
        response.AddHeader("X-RateLimit-Remaining", d.Remaining.ToString(CultureInfo.InvariantCulture));
        response.AddHeader("X-RateLimit-Reset", d.ResetUnixSeconds.ToString(CultureInfo.InvariantCulture));
    }
}
