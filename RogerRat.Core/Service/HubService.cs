using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Core.Service.Transcripts;

namespace RogerRat.Core.Service;

/// <summary>
/// The rules between a request and the engine, once for every face: authentication (hub token, channel bearer, owner
/// password), rate limits, clamping and validation. REST and MCP parse their wire form into commands, call this, and
/// write its results; a refusal is a <see cref="HubException"/> whose reason each face maps in one table. Rate limits
/// are taken before any expensive check (an owner password costs a PBKDF2 hash), so guessing is limited on every face.
/// </summary>
public sealed partial class HubService
{
    private readonly ILogger _logger;
    private readonly RateLimiter? _sendLimiter;
    private readonly RateLimiter? _bandSendLimiter;
    private readonly RateLimiter? _createLimiter;
    private readonly RateLimiter? _joinLimiter;

    /// <summary>A service over <paramref name="hub"/>; <paramref name="transcripts"/> null keeps transcripts in memory
    /// (<see cref="HubServiceOptions.TranscriptEventsInMemory"/> per channel). The caller owns a store it passes.</summary>
    public HubService(Hub hub, HubServiceOptions options, ILogger? logger = null, ITranscriptStore? transcripts = null)
    {
        Hub = hub;
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        var limits = options.RateLimits;
        _sendLimiter = Limiter(limits.SendsPerMinute, hub.Time);
        _bandSendLimiter = Limiter(limits.BandSendsPerMinute, hub.Time);
        _createLimiter = Limiter(limits.CreatesPerMinute, hub.Time);
        _joinLimiter = Limiter(limits.JoinsPerMinute, hub.Time);
        Metrics = new HubMetrics(hub);
        Transcripts = new TranscriptLog(transcripts ?? new InMemoryTranscriptStore(options.TranscriptEventsInMemory), Metrics, hub.Time, _logger);
    }

    /// <summary>What each channel's retention records (reference §5), and where.</summary>
    public TranscriptLog Transcripts { get; }

    /// <summary>The engine this service guards.</summary>
    public Hub Hub { get; }

    /// <summary>The hub's instruments (meter <c>RogerRat</c>).</summary>
    public HubMetrics Metrics { get; }

    /// <summary>True when an admin token is set and <paramref name="bearer"/> is it (constant time).</summary>
    public bool AcceptsAdminToken(string? bearer) => Options.AdminToken is { } admin && Secrets.PlainMatches(admin, bearer);

    /// <summary>The origin, credentials, rate limits and clamps this service applies.</summary>
    public HubServiceOptions Options { get; }

    /// <summary>True when the hub has no token, or <paramref name="presented"/> is it.</summary>
    public bool AcceptsHubToken(string? presented) => Options.HubToken is not { } token || Secrets.PlainMatches(token, presented);

    /// <summary>Refuses a caller without the hub token (when the hub has one); either credential may carry it.</summary>
    public void RequireHubToken(string? presented, string? alternative = null)
    {
        if (Options.HubToken is null || AcceptsHubToken(presented) || (alternative is not null && AcceptsHubToken(alternative))) return;
        throw new HubException(HubErrors.HubTokenRequired);
    }

    /// <summary>The channel, after its bearer check: unknown is not found, bands are open, else the token must match.</summary>
    public Channel AuthorizedChannel(string id, string? bearer)
    {
        var channel = Hub.GetChannel(id);
        if (!Hub.IsAuthorized(channel, bearer)) throw new HubException(HubErrors.InvalidBearer);
        return channel;
    }

    /// <summary><see cref="AuthorizedChannel"/> through <see cref="Hub.GetChannelAsync"/>: with several hubs on one
    /// store, the channel may be another hub's and is brought up to date first. Both faces use this one.</summary>
    public async ValueTask<Channel> AuthorizedChannelAsync(string id, string? bearer, CancellationToken cancellationToken = default)
    {
        var channel = await Hub.GetChannelAsync(id, cancellationToken).ConfigureAwait(false);
        if (!Hub.IsAuthorized(channel, bearer)) throw new HubException(HubErrors.InvalidBearer);
        return channel;
    }

    /// <summary>The bearer of an <c>Authorization</c> value (exactly <c>Bearer </c>, case-sensitive, rest trimmed), or null.</summary>
    public static string? Bearer(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..].Trim() : null;

    /// <summary>Drops idle rate-limit buckets; the hub calls it with its GC.</summary>
    public void Prune()
    {
        _sendLimiter?.Prune();
        _bandSendLimiter?.Prune();
        _createLimiter?.Prune();
        _joinLimiter?.Prune();
    }

    private static RateLimiter? Limiter(int perMinute, TimeProvider time) => perMinute > 0 ? new RateLimiter(perMinute, time) : null;

    private static RateLimitDecision? Take(RateLimiter? limiter, string client, string what)
    {
        if (limiter is null) return null;
        var decision = limiter.Take(client);
        if (decision.Allowed) return decision;
        throw new HubException(new HubError(HubErrorReason.RateLimited, $"rate limit exceeded ({limiter.Limit} {what})") { Rate = decision });
    }
}
