namespace RogerRat.Core;

/// <summary>
/// The engine's part of the error catalogue (reference Appendix A, PROTOCOL.md §2–3). Texts that clients match on
/// are the original's; fixed entries are shared instances, parameterised ones are factories.
/// </summary>
public static class HubErrors
{
    public const string Invalid = "invalid";
    public const string NotJoined = "not_joined";
    public const string SessionExpired = "session_expired";
    public const string CallsignTaken = "callsign_taken";
    public const string Unauthorized = "unauthorized";
    public const string IdentityRequired = "identity_required";
    public const string RateLimited = "rate_limited";
    public const string NotFound = "not_found";
    public const string CapacityExceeded = "capacity_exceeded";
    public const string InvalidJson = "invalid_json";
    public const string InvalidBody = "invalid_body";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string Unavailable = "unavailable";

    /// <summary>The wire <c>code</c> of a reason; a too-large value keeps the original's <c>invalid</c>.</summary>
    public static string CodeOf(HubErrorReason reason) => reason switch
    {
        HubErrorReason.Invalid or HubErrorReason.TooLarge => Invalid,
        HubErrorReason.InvalidJson => InvalidJson,
        HubErrorReason.InvalidBody => InvalidBody,
        HubErrorReason.NotJoined => NotJoined,
        HubErrorReason.SessionExpired => SessionExpired,
        HubErrorReason.CallsignTaken => CallsignTaken,
        HubErrorReason.Unauthorized => Unauthorized,
        HubErrorReason.IdentityRequired => IdentityRequired,
        HubErrorReason.RateLimited => RateLimited,
        HubErrorReason.NotFound => NotFound,
        HubErrorReason.CapacityExceeded => CapacityExceeded,
        HubErrorReason.IdempotencyKeyReused => IdempotencyKeyReused,
        HubErrorReason.Unavailable => Unavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    // Channel creation (the original sends these without a code; PROTOCOL allows adding one).
    public static readonly HubError InvalidRetention = new(HubErrorReason.Invalid, "invalid retention; must be one of none|metadata|prompts|full");
    public static readonly HubError InvalidTrustMode = new(HubErrorReason.Invalid, "invalid trust_mode; must be 'untrusted' or 'trusted'");
    public static readonly HubError OwnerPasswordNotString = new(HubErrorReason.Invalid, "owner_password must be a string (6-128 chars)");
    public static readonly HubError SessionTtlNotNumber = new(HubErrorReason.Invalid, "session_ttl_seconds must be a positive number ≤ 86400 (24h)");
    public static readonly HubError SessionTtlNotPositive = new(HubErrorReason.Invalid, "session_ttl_seconds must be positive");
    public static readonly HubError SessionTtlTooLarge = new(HubErrorReason.Invalid, "session_ttl_seconds must be ≤ 86400 (24h)");
    public static readonly HubError TrustedNeedsPassword = new(HubErrorReason.Invalid,
        "trust_mode='trusted' requires owner_password set (otherwise anyone with the token could command your agent)");
    public static readonly HubError RequireIdentityNotBoolean = new(HubErrorReason.Invalid, "require_identity must be a boolean");

    public static HubError OwnerPasswordTooShort(int min) => new(HubErrorReason.Invalid, $"owner_password must be at least {min} characters");
    public static HubError OwnerPasswordTooLong(int max) => new(HubErrorReason.Invalid, $"owner_password must be at most {max} characters");

    public static readonly HubError TooManyChannels = new(HubErrorReason.CapacityExceeded, "this hub holds the most channels it may; try again later");

    // Channel lookup, bearer, the hub token and the MCP session's binding.
    public static readonly HubError HubTokenRequired = new(HubErrorReason.Unauthorized,
        "this hub requires its access token: send it as X-RogerRat-Token (or as the bearer on routes without a channel token)");
    public static readonly HubError ChannelIdRequired = new(HubErrorReason.Invalid, "join requires channel_id");
    public static readonly HubError TokenRequired = new(HubErrorReason.Unauthorized, "join requires token (or use a public band like 'general')");
    public static readonly HubError NotBound = new(HubErrorReason.NotJoined, "not joined to a channel; call 'join' with channel_id, token, callsign first");
    public static readonly HubError NoTranscript = new(HubErrorReason.NotFound, "this channel has no transcript (retention=none)");
    public static readonly HubError ChannelNotFound = new(HubErrorReason.NotFound, "channel not found");
    public static readonly HubError InvalidBearer = new(HubErrorReason.Unauthorized, "invalid bearer token");

    // Join.
    public static readonly HubError CallsignRequired = new(HubErrorReason.Invalid, "callsign required");
    public static readonly HubError CallsignMalformed = new(HubErrorReason.Invalid,
        "callsign must be 1-32 chars, lowercase letters, digits, '_' or '-', starting with a letter or digit");
    public static readonly HubError CallsignReserved = new(HubErrorReason.Invalid, "callsign \"all\" is reserved for broadcast");
    public static HubError CallsignInUse(string callsign) => new(HubErrorReason.CallsignTaken,
        $"callsign \"{callsign}\" is already in use on this channel; pick a different one or have the current holder leave first");
    public static readonly HubError OwnerPasswordMismatch = new(HubErrorReason.Unauthorized,
        "owner_password did not match — re-check the secret or omit the field to join without it");
    public static HubError IdentityKeyRequired(string callsign) => new(HubErrorReason.IdentityRequired,
        $"callsign \"{callsign}\" on this channel is bound to an identity key; pass the identity_key returned by its first join (body field identity_key or header X-Identity-Key)");
    public static readonly HubError IdentityKeyUnknown = new(HubErrorReason.IdentityRequired,
        "identity_key does not match any callsign on this channel");
    public static readonly HubError SessionIdInvalid = new(HubErrorReason.Invalid,
        "X-Session-Id must be 8-128 visible ASCII characters");
    public static readonly HubError TooManySessions = new(HubErrorReason.CapacityExceeded, "this channel holds the most agents it may; try again later");
    public static readonly HubError TooManyCallsigns = new(HubErrorReason.CapacityExceeded, "this channel remembers the most callsigns it may; try again later");

    // Session checks.
    public static readonly HubError SessionHeaderRequired = new(HubErrorReason.Invalid, "X-Session-Id header required");
    public static readonly HubError SessionHeaderRequiredFromJoin = new(HubErrorReason.Invalid, "X-Session-Id header required (returned by /join)");
    public static readonly HubError NotJoinedToChannel = new(HubErrorReason.NotJoined,
        "not joined to channel; call /join with {callsign, token} first",
        "POST /join with {\"callsign\":\"<name>\"} and your bearer token, then pass the returned session_id as X-Session-Id.");
    public static readonly HubError SessionExpiredError = new(HubErrorReason.SessionExpired,
        "session expired; call /join with the same callsign+token to refresh (session_id is reusable)",
        "Re-POST /join with the same callsign: the same callsign returns the same session_id.");

    // Listen, wait, history: query values (REST) and tool arguments (MCP) alike.
    public static readonly HubError SinceNotNumeric = new(HubErrorReason.Invalid, "since must be a numeric message id");
    public static readonly HubError SinceOutOfRange = new(HubErrorReason.Invalid, $"since must be a message id from 0 to {long.MaxValue}");
    public static readonly HubError TimeoutNotNumeric = new(HubErrorReason.Invalid, "timeout must be a number of seconds");
    public static readonly HubError HistoryCountNotNumeric = new(HubErrorReason.Invalid, "n must be a number");
    public static readonly HubError TranscriptLimitNotNumeric = new(HubErrorReason.Invalid, "limit must be a number");

    // Request bodies and tool arguments: refused once, before any field is read.
    public static HubError InvalidJsonBody(string detail) => new(HubErrorReason.InvalidJson, $"request body is not valid JSON: {detail}");
    public static readonly HubError BodyNotObject = new(HubErrorReason.InvalidBody, "request body must be a JSON object");
    public static readonly HubError ArgumentsNotObject = new(HubErrorReason.InvalidBody, "arguments must be a JSON object");
    public static HubError FieldNotString(string field) => new(HubErrorReason.Invalid, $"{field} must be a string");

    // Send.
    public static readonly HubError InvalidPriority = new(HubErrorReason.Invalid, "invalid priority; must be one of min|low|default|high|urgent");
    public static HubError InvalidKind(string shown, bool looksLikeText) => new(HubErrorReason.Invalid,
        $"invalid kind '{shown}'; must be 'message' (or omitted) or 'status' (ephemeral working-on-it signal)"
        + (looksLikeText ? ". To send a normal message, omit kind and put the text in \"message\"." : ""));
    public static HubError UnknownRecipient(string to, string roster) => new(HubErrorReason.Invalid,
        $"no callsign \"{to}\" has ever been on this channel (roster: {roster}). Send to a callsign, #N from the roster, or \"all\"; DMs to callsigns that were here before are allowed.");
    public static readonly HubError StatusTextRequired = new(HubErrorReason.Invalid, "status message requires text (1-280 chars)");
    public static HubError StatusTooLong(int max) => new(HubErrorReason.Invalid, $"status message too long (max {max} chars); send a normal message for longer text");
    public static readonly HubError MessageTextRequired = new(HubErrorReason.Invalid, "message text required (or send at least one attachment)");
    public static HubError MessageTooLong(int max) => new(HubErrorReason.Invalid, $"message too long (max {max} chars)");

    public static readonly HubError SuggestedRepliesNotArray = new(HubErrorReason.Invalid, "suggested_replies must be an array of strings");
    public static HubError SuggestedRepliesTooMany(int max) => new(HubErrorReason.Invalid, $"suggested_replies: at most {max} entries");
    public static readonly HubError SuggestedReplyNotString = new(HubErrorReason.Invalid, "suggested_replies entries must be strings");
    public static HubError SuggestedReplyTooLong(int max) => new(HubErrorReason.Invalid, $"suggested_replies entries must be at most {max} chars");

    public static readonly HubError AttachmentsNotArray = new(HubErrorReason.Invalid, "attachments must be an array");
    public static HubError AttachmentsTooMany(int max) => new(HubErrorReason.Invalid, $"at most {max} attachments per message");
    public static HubError AttachmentNotObject(int index) => new(HubErrorReason.Invalid, $"attachments[{index}] must be an object");
    public static HubError AttachmentMimeInvalid(int index) => new(HubErrorReason.Invalid,
        $"attachments[{index}].mime must be one of image/jpeg, image/png, image/webp, image/gif, application/pdf");
    public static HubError AttachmentDataMissing(int index) => new(HubErrorReason.Invalid, $"attachments[{index}].data_base64 must be a non-empty string");
    public static HubError AttachmentDataNotBase64(int index) => new(HubErrorReason.Invalid, $"attachments[{index}].data_base64 is not valid base64");
    public static HubError AttachmentsTooLarge(int max) => new(HubErrorReason.TooLarge,
        $"attachments too large (max {max} base64 chars in total per message); host the file elsewhere and paste a URL instead");

    public static readonly HubError IdempotencyKeyReusedError = new(HubErrorReason.IdempotencyKeyReused, "Idempotency-Key was already used for a different message; use a new key for a new message");
    public static HubError IdempotencyKeyInvalid(int max) => new(HubErrorReason.Invalid, $"Idempotency-Key must be 1-{max} visible ASCII characters");
}
