namespace RogerRat.Core;

/// <summary>
/// Why the hub refused a call, independent of the face that carried it. Each face maps a reason to its wire form in
/// one table (REST: <c>RestErrors</c>, status and code; MCP: a tool error); the engine never chooses an HTTP status.
/// </summary>
public enum HubErrorReason
{
    /// <summary>A field, header or query value breaks its rule.</summary>
    Invalid,
    /// <summary>The body is not JSON (malformed, not UTF-8, an unpaired surrogate).</summary>
    InvalidJson,
    /// <summary>The body is JSON but not an object.</summary>
    InvalidBody,
    /// <summary>A well-formed value too large to take (attachments).</summary>
    TooLarge,
    /// <summary>The caller has no session on the channel: the session id is unknown there, or an MCP session has not joined one.</summary>
    NotJoined,
    /// <summary>The session id belonged to a session of the channel that has since expired; joining again with the same callsign refreshes it.</summary>
    SessionExpired,
    /// <summary>Another live session holds the requested callsign.</summary>
    CallsignTaken,
    /// <summary>A required credential (hub token, channel bearer, owner password) is missing or does not match.</summary>
    Unauthorized,
    /// <summary>The channel requires identity keys and the presented key is missing or matches no callsign.</summary>
    IdentityRequired,
    /// <summary>The caller exceeded a rate limit; <see cref="HubError.Rate"/> says when to retry.</summary>
    RateLimited,
    /// <summary>The addressed channel (or its transcript) does not exist.</summary>
    NotFound,
    /// <summary>A hub or channel limit (channels, sessions, callsigns) is reached; a later retry may succeed.</summary>
    CapacityExceeded,
    /// <summary>An idempotency key came back with a different request.</summary>
    IdempotencyKeyReused,
    /// <summary>The call was cancelled (client gone, hub stopping).</summary>
    Unavailable,
    /// <summary>The shared store (Redis) did not answer within its operation timeout; a later retry may succeed.</summary>
    StoreUnavailable,
}

/// <summary>
/// One entry of the error catalogue (reference Appendix A): the reason, the message and an optional hint. The wire
/// <c>code</c> follows from the reason.
/// </summary>
/// <param name="Reason">Why the call was refused; decides the wire <c>code</c> and each face's status.</param>
/// <param name="Message">The human-readable error text sent to the client.</param>
/// <param name="Hint">An optional next step for the client, sent alongside the message.</param>
public sealed record HubError(HubErrorReason Reason, string Message, string? Hint = null)
{
    /// <summary>The wire <c>code</c> of <see cref="Reason"/>.</summary>
    public string Code => HubErrors.CodeOf(Reason);

    /// <summary>The limiter's answer, on <see cref="HubErrorReason.RateLimited"/>: when to retry, what to tell the client.</summary>
    public Service.RateLimitDecision? Rate { get; init; }
}

/// <summary>The engine's only exception: a caller-visible failure carrying its catalogue entry.</summary>
/// <param name="error">The catalogue entry; its message becomes the exception's message.</param>
public sealed class HubException(HubError error) : Exception(error.Message)
{
    /// <summary>The catalogue entry this exception carries.</summary>
    public HubError Error { get; } = error;
    /// <summary>The <see cref="HubError.Reason"/> of <see cref="Error"/>.</summary>
    public HubErrorReason Reason => Error.Reason;
    /// <summary>The wire <c>code</c> of <see cref="Error"/>.</summary>
    public string Code => Error.Code;
    /// <summary>The <see cref="HubError.Hint"/> of <see cref="Error"/>, if any.</summary>
    public string? Hint => Error.Hint;
}
