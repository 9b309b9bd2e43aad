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
    NotJoined,
    SessionExpired,
    CallsignTaken,
    Unauthorized,
    IdentityRequired,
    RateLimited,
    NotFound,
    CapacityExceeded,
    /// <summary>An idempotency key came back with a different request.</summary>
    IdempotencyKeyReused,
    /// <summary>The call was cancelled (client gone, hub stopping).</summary>
    Unavailable,
}

/// <summary>
/// One entry of the error catalogue (reference Appendix A): the reason, the message and an optional hint. The wire
/// <c>code</c> follows from the reason.
/// </summary>
public sealed record HubError(HubErrorReason Reason, string Message, string? Hint = null)
{
    /// <summary>The wire <c>code</c> of <see cref="Reason"/>.</summary>
    public string Code => HubErrors.CodeOf(Reason);

    /// <summary>The limiter's answer, on <see cref="HubErrorReason.RateLimited"/>: when to retry, what to tell the client.</summary>
    public Service.RateLimitDecision? Rate { get; init; }
}

/// <summary>The engine's only exception: a caller-visible failure carrying its catalogue entry.</summary>
public sealed class HubException(HubError error) : Exception(error.Message)
{
    public HubError Error { get; } = error;
    public HubErrorReason Reason => Error.Reason;
    public string Code => Error.Code;
    public string? Hint => Error.Hint;
}
