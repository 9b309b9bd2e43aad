using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Core;

namespace RogerRat.Http.Api;

/// <summary>
/// The REST face of a hub (reference §2 with PROTOCOL §1–2): routes, the error mapping (one place), the hub token
/// guard, rate limits and the original's security headers. Transport-independent: an adapter feeds it
/// <see cref="IApiRequest"/> and writes the <see cref="ApiResponse"/>.
/// </summary>
public sealed partial class RestApi
{
    /// <summary>The original's security headers, sent on every response (reference §2.0).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> SecurityHeaders => s_securityHeaders;

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

    private static readonly HubError s_notFound = new(HubErrorReason.NotFound, "not found");
    private static readonly HubError s_hubTokenRequired = new(HubErrorReason.Unauthorized,
        "this hub requires its access token: send it as X-RogerRat-Token (or as the bearer on routes without a channel token)");

    private readonly Hub _hub;
    private readonly RestApiOptions _options;
    private readonly ILogger _logger;
    private readonly RateLimiter? _sendLimiter;
    private readonly RateLimiter? _bandSendLimiter;
    private readonly RateLimiter? _createLimiter;
    private readonly RateLimiter? _joinLimiter;

    public RestApi(Hub hub, RestApiOptions options, ILogger? logger = null)
    {
        _hub = hub;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        var limits = options.RateLimits;
        _sendLimiter = limits.SendsPerMinute > 0 ? new RateLimiter(limits.SendsPerMinute, hub.Time) : null;
        _bandSendLimiter = limits.BandSendsPerMinute > 0 ? new RateLimiter(limits.BandSendsPerMinute, hub.Time) : null;
        _createLimiter = limits.CreatesPerMinute > 0 ? new RateLimiter(limits.CreatesPerMinute, hub.Time) : null;
        _joinLimiter = limits.JoinsPerMinute > 0 ? new RateLimiter(limits.JoinsPerMinute, hub.Time) : null;
    }

    public Hub Hub => _hub;

    public RestApiOptions Options => _options;

    /// <summary>Handles one request; never throws for bad input (every failure is a JSON error response).</summary>
    public async ValueTask<ApiResponse> HandleAsync(IApiRequest request)
    {
        ApiResponse response;
        try
        {
            response = await DispatchAsync(request).ConfigureAwait(false);
        }
        catch (HubException e)
        {
            response = ErrorResponse(e.Error);
        }
        catch (OperationCanceledException) when (request.Aborted.IsCancellationRequested)
        {
            response = ErrorResponse(new HubError(HubErrorReason.Unavailable, "request cancelled"));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "unhandled error on {Method} {Path}", request.Method, request.Path);
            response = new ApiResponse(500, ApiResponse.Json, WireJson.Error("internal", "internal"));
        }
        response.Headers.AddRange(s_securityHeaders);
        return response;
    }

    internal static ApiResponse ErrorResponse(HubError error) => new(RestErrors.Status(error.Reason), ApiResponse.Json, WireJson.Error(error));

    private ValueTask<ApiResponse> DispatchAsync(IApiRequest r)
    {
        var path = r.Path;
        var get = r.Method is "GET" or "HEAD";
        var post = r.Method == "POST";
        if (path == "*") return Sync(OptionsAnswer("GET, HEAD, POST, DELETE, OPTIONS")); // OPTIONS * (the parser allows no other method)

        if (path.StartsWith("/api/channels", StringComparison.Ordinal))
        {
            RequireHubToken(r, channelRoute: path.Length > "/api/channels".Length);
            var rest = path.AsSpan("/api/channels".Length);
            if (rest.IsEmpty || rest is "/")
            {
                return post ? Sync(CreateChannel(r)) : Sync(MethodNotAllowed(r, "POST"));
            }
            if (rest[0] != '/') return Sync(ErrorResponse(s_notFound));
            rest = rest[1..];
            var slash = rest.IndexOf('/');
            var id = (slash < 0 ? rest : rest[..slash]).ToString(); // the path is decoded once already
            var action = slash < 0 ? "" : rest[(slash + 1)..].ToString();
            return action switch
            {
                "" => get ? Sync(ChannelInfo(id)) : Sync(MethodNotAllowed(r, "GET")),
                "join" => post ? Sync(Join(r, id)) : Sync(MethodNotAllowed(r, "POST")),
                "keepalive" => post ? Sync(Keepalive(r, id)) : Sync(MethodNotAllowed(r, "POST")),
                "send" => post ? Sync(Send(r, id)) : Sync(MethodNotAllowed(r, "POST")),
                "leave" => post ? Sync(Leave(r, id)) : Sync(MethodNotAllowed(r, "POST")),
                // Not HEAD: a listen takes its messages, and a HEAD answer would take them without showing them.
                "listen" => r.Method == "GET" ? ListenAsync(r, id, wait: false) : Sync(MethodNotAllowed(r, "GET", headServed: false)),
                "wait" => r.Method == "GET" ? ListenAsync(r, id, wait: true) : Sync(MethodNotAllowed(r, "GET", headServed: false)),
                "stats" => get ? Sync(ChannelStats(r, id)) : Sync(MethodNotAllowed(r, "GET")),
                "roster" => get ? Sync(Roster(r, id)) : Sync(MethodNotAllowed(r, "GET")),
                "history" => get ? Sync(History(r, id)) : Sync(MethodNotAllowed(r, "GET")),
                "transcript" => get ? Sync(Transcript(r, id)) : Sync(MethodNotAllowed(r, "GET")),
                _ => Sync(ErrorResponse(s_notFound)),
            };
        }

        return path switch
        {
            "/api/bands" => get ? Sync(Guarded(r, Bands)) : Sync(MethodNotAllowed(r, "GET")),
            "/api/stats" => get ? Sync(Guarded(r, GlobalStats)) : Sync(MethodNotAllowed(r, "GET")),
            _ => Sync(Discovery(r, get)),
        };
    }

    private static ValueTask<ApiResponse> Sync(ApiResponse response) => new(response);

    // double.TryParse takes trailing NULs ("1%00") for white space; a query value with one is no number.
    private static bool TryParseFiniteNumber(string raw, out double value) =>
        double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value)
        && double.IsFinite(value) && !raw.Contains('\0', StringComparison.Ordinal);

    // OPTIONS on a known path answers 204 with its Allow; any other wrong method is 405 with the same Allow (less
    // OPTIONS). GET routes serve HEAD too, unless a GET has effects (listen, wait).
    private static ApiResponse MethodNotAllowed(IApiRequest r, string allow, bool headServed = true)
    {
        if (allow == "GET" && headServed) allow = "GET, HEAD";
        if (r.Method == "OPTIONS") return OptionsAnswer($"{allow}, OPTIONS");
        var use = allow == "GET, HEAD" ? "GET" : allow;
        return new ApiResponse(405, ApiResponse.Json, WireJson.Error($"method not allowed; use {use}", "method_not_allowed")).WithHeader("Allow", allow);
    }

    private static ApiResponse OptionsAnswer(string allow) => new ApiResponse(204, ApiResponse.Text, []).WithHeader("Allow", allow);

    private ApiResponse Guarded(IApiRequest r, Func<ApiResponse> route)
    {
        RequireHubToken(r, channelRoute: false);
        return route();
    }

    // PROTOCOL §2.1. On channel routes the bearer is the channel's, so the hub token travels in its own header.
    private void RequireHubToken(IApiRequest r, bool channelRoute)
    {
        if (_options.HubToken is not { } token) return;
        if (Secrets.PlainMatches(token, r.Header("X-RogerRat-Token"))) return;
        if (!channelRoute && Secrets.PlainMatches(token, Bearer(r))) return;
        throw new HubException(s_hubTokenRequired);
    }

    /// <summary>The bearer token (reference §2.0: exactly <c>Bearer </c>, case-sensitive, rest trimmed), or null.</summary>
    internal static string? Bearer(IApiRequest r)
    {
        var auth = r.Header("Authorization");
        return auth is not null && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..].Trim() : null;
    }

    /// <summary>The channel, after the bearer check (reference §2.0): 404 unknown, bands open, else 401 on mismatch.</summary>
    private Channel AuthorizedChannel(IApiRequest r, string id)
    {
        var channel = _hub.GetChannel(id);
        if (!Hub.IsAuthorized(channel, Bearer(r))) throw new HubException(HubErrors.InvalidBearer);
        return channel;
    }

    /// <summary>The client's address: the socket peer, or the first <c>X-Forwarded-For</c> hop when the peer is a trusted proxy.</summary>
    internal string ClientAddress(IApiRequest r) => ClientAddress(r.RemoteAddress, r.Header("X-Forwarded-For"));

    /// <inheritdoc cref="ClientAddress(IApiRequest)"/>
    public string ClientAddress(IPAddress? peer, string? forwardedFor)
    {
        if (peer is not null && _options.TrustedProxies.Count > 0 && IsTrustedProxy(peer)
            && forwardedFor is { } forwarded)
        {
            var first = forwarded.Split(',')[0].Trim();
            if (IPAddress.TryParse(first, out var client)) return client.ToString();
        }
        return peer?.ToString() ?? "unknown";
    }

    private bool IsTrustedProxy(IPAddress peer)
    {
        var p = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        foreach (var proxy in _options.TrustedProxies)
        {
            if (proxy.Equals(p)) return true;
        }
        return false;
    }

    private static void ApplyRateHeaders(ApiResponse response, RateLimiter limiter, RateLimiter.Decision d)
    {
        response.WithHeader("X-RateLimit-Limit", limiter.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHeader("X-RateLimit-Remaining", d.Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHeader("X-RateLimit-Reset", d.ResetUnixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static ApiResponse RateLimited(RateLimiter limiter, RateLimiter.Decision d, string what)
    {
        var body = WireJson.Write((what, d.RetryAfterSeconds), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("error"u8, s.what);
            w.WriteString("code"u8, HubErrors.RateLimited);
            w.WriteNumber("retry_after_seconds"u8, s.RetryAfterSeconds);
            w.WriteEndObject();
        });
        var response = new ApiResponse(429, ApiResponse.Json, body);
        ApplyRateHeaders(response, limiter, d);
        return response.WithHeader("Retry-After", d.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>For faces other than REST (MCP): takes a join or send slot for <paramref name="client"/>; null when allowed,
    /// else the 429 message.</summary>
    public string? TakeRate(bool send, bool band, string client)
    {
        var limiter = send ? (band ? _bandSendLimiter : _sendLimiter) : _joinLimiter;
        if (limiter is null || limiter.Take(client).Allowed) return null;
        return send
            ? band ? $"rate limit exceeded ({limiter.Limit} msg/min per IP on public bands)" : $"rate limit exceeded ({limiter.Limit} msg/min per IP)"
            : $"rate limit exceeded ({limiter.Limit} joins/min per IP)";
    }

    /// <summary>Drops idle rate-limit buckets; the host calls it with the hub's GC.</summary>
    public void Prune()
    {
        _sendLimiter?.Prune();
        _bandSendLimiter?.Prune();
        _createLimiter?.Prune();
        _joinLimiter?.Prune();
    }
}
