namespace RogerRat.Core;

/// <summary>
/// The engine's part of the error catalogue (reference Appendix A, PROTOCOL.md §2–3). Texts that clients match on
/// are the original's; fixed entries are shared instances, parameterised ones are factories.
/// </summary>
public static class HubErrors
{
    /// <summary>The wire code of <see cref="HubErrorReason.Invalid"/> and <see cref="HubErrorReason.TooLarge"/>.</summary>
    public const string Invalid = "invalid";
    /// <summary>The wire code of <see cref="HubErrorReason.NotJoined"/>.</summary>
    public const string NotJoined = "not_joined";
    /// <summary>The wire code of <see cref="HubErrorReason.SessionExpired"/>.</summary>
    public const string SessionExpired = "session_expired";
    /// <summary>The wire code of <see cref="HubErrorReason.CallsignTaken"/>.</summary>
    public const string CallsignTaken = "callsign_taken";
    /// <summary>The wire code of <see cref="HubErrorReason.Unauthorized"/>.</summary>
    public const string Unauthorized = "unauthorized";
    /// <summary>The wire code of <see cref="HubErrorReason.IdentityRequired"/>.</summary>
    public const string IdentityRequired = "identity_required";
    /// <summary>The wire code of <see cref="HubErrorReason.RateLimited"/>.</summary>
    public const string RateLimited = "rate_limited";
    /// <summary>The wire code of <see cref="HubErrorReason.NotFound"/>.</summary>
    public const string NotFound = "not_found";
    /// <summary>The wire code of <see cref="HubErrorReason.CapacityExceeded"/>.</summary>
    public const string CapacityExceeded = "capacity_exceeded";
    /// <summary>The wire code of <see cref="HubErrorReason.InvalidJson"/>.</summary>
    public const string InvalidJson = "invalid_json";
    /// <summary>The wire code of <see cref="HubErrorReason.InvalidBody"/>.</summary>
    public const string InvalidBody = "invalid_body";
    /// <summary>The wire code of <see cref="HubErrorReason.IdempotencyKeyReused"/>.</summary>
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    /// <summary>The wire code of <see cref="HubErrorReason.Unavailable"/>.</summary>
    public const string Unavailable = "unavailable";
    /// <summary>The wire code of <see cref="HubErrorReason.StoreUnavailable"/>.</summary>
    public const string StoreUnavailable = "store_unavailable";

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
        HubErrorReason.StoreUnavailable => StoreUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    // Channel creation (the original sends these without a code; PROTOCOL allows adding one).
    /// <summary><c>retention</c> is not one of <c>none</c>, <c>metadata</c>, <c>prompts</c>, <c>full</c> (400 <c>invalid</c>).</summary>
    public static readonly HubError InvalidRetention = new(HubErrorReason.Invalid, "invalid retention; must be one of none|metadata|prompts|full");
    /// <summary><c>trust_mode</c> is neither <c>untrusted</c> nor <c>trusted</c> (400 <c>invalid</c>).</summary>
    public static readonly HubError InvalidTrustMode = new(HubErrorReason.Invalid, "invalid trust_mode; must be 'untrusted' or 'trusted'");
    /// <summary><c>owner_password</c> is present but not a JSON string (400 <c>invalid</c>).</summary>
    public static readonly HubError OwnerPasswordNotString = new(HubErrorReason.Invalid, "owner_password must be a string (6-128 chars)");
    /// <summary><c>session_ttl_seconds</c> is not a JSON number, or not a finite one (400 <c>invalid</c>).</summary>
    public static readonly HubError SessionTtlNotNumber = new(HubErrorReason.Invalid, "session_ttl_seconds must be a positive number ≤ 86400 (24h)");
    /// <summary><c>session_ttl_seconds</c> comes to zero or fewer whole milliseconds (400 <c>invalid</c>).</summary>
    public static readonly HubError SessionTtlNotPositive = new(HubErrorReason.Invalid, "session_ttl_seconds must be positive");
    /// <summary><c>session_ttl_seconds</c> exceeds the hub's maximum session TTL (400 <c>invalid</c>).</summary>
    public static readonly HubError SessionTtlTooLarge = new(HubErrorReason.Invalid, "session_ttl_seconds must be ≤ 86400 (24h)");
    /// <summary><c>trust_mode</c> is <c>trusted</c> but no (non-blank) <c>owner_password</c> was given (400 <c>invalid</c>).</summary>
    public static readonly HubError TrustedNeedsPassword = new(HubErrorReason.Invalid,
        "trust_mode='trusted' requires owner_password set (otherwise anyone with the token could command your agent)");
    /// <summary><c>require_identity</c> is present but not a JSON boolean (400 <c>invalid</c>).</summary>
    public static readonly HubError RequireIdentityNotBoolean = new(HubErrorReason.Invalid, "require_identity must be a boolean");

    /// <summary><c>owner_password</c>, trimmed, is shorter than <paramref name="min"/> characters (400 <c>invalid</c>).</summary>
    public static HubError OwnerPasswordTooShort(int min) => new(HubErrorReason.Invalid, $"owner_password must be at least {min} characters");
    /// <summary><c>owner_password</c>, trimmed, is longer than <paramref name="max"/> characters (400 <c>invalid</c>).</summary>
    public static HubError OwnerPasswordTooLong(int max) => new(HubErrorReason.Invalid, $"owner_password must be at most {max} characters");

    /// <summary>Creating a channel when the hub already holds its maximum number of channels (503 <c>capacity_exceeded</c>).</summary>
    public static readonly HubError TooManyChannels = new(HubErrorReason.CapacityExceeded, "this hub holds the most channels it may; try again later");

    // Channel lookup, bearer, the hub token and the MCP session's binding.
    /// <summary>The hub has an access token and the caller did not present it (401 <c>unauthorized</c>).</summary>
    public static readonly HubError HubTokenRequired = new(HubErrorReason.Unauthorized,
        "this hub requires its access token: send it as X-RogerRat-Token (or as the bearer on routes without a channel token)");
    /// <summary>The MCP <c>join</c> tool was called without <c>channel_id</c> (tool error, <c>invalid</c>).</summary>
    public static readonly HubError ChannelIdRequired = new(HubErrorReason.Invalid, "join requires channel_id");
    /// <summary>The MCP <c>join</c> tool was called without <c>token</c> for an existing channel that is not a public band (tool error, <c>unauthorized</c>).</summary>
    public static readonly HubError TokenRequired = new(HubErrorReason.Unauthorized, "join requires token (or use a public band like 'general')");
    /// <summary>An MCP tool that needs a channel was called before the session joined one, or its channel is gone (tool error, <c>not_joined</c>).</summary>
    public static readonly HubError NotBound = new(HubErrorReason.NotJoined, "not joined to a channel; call 'join' with channel_id, token, callsign first");
    /// <summary>A transcript was asked of a channel with <c>retention=none</c> (404 <c>not_found</c>).</summary>
    public static readonly HubError NoTranscript = new(HubErrorReason.NotFound, "this channel has no transcript (retention=none)");
    /// <summary>No channel has the given id (404 <c>not_found</c>).</summary>
    public static readonly HubError ChannelNotFound = new(HubErrorReason.NotFound, "channel not found");
    /// <summary>The bearer token does not match the channel's token (401 <c>unauthorized</c>).</summary>
    public static readonly HubError InvalidBearer = new(HubErrorReason.Unauthorized, "invalid bearer token");

    // Join.
    /// <summary>A join gave no callsign, or one that is blank once trimmed (400 <c>invalid</c>).</summary>
    public static readonly HubError CallsignRequired = new(HubErrorReason.Invalid, "callsign required");
    /// <summary>The callsign breaks the callsign rule (1-32 lowercase letters, digits, <c>_</c> or <c>-</c>, starting with a letter or digit) (400 <c>invalid</c>).</summary>
    public static readonly HubError CallsignMalformed = new(HubErrorReason.Invalid,
        "callsign must be 1-32 chars, lowercase letters, digits, '_' or '-', starting with a letter or digit");
    /// <summary>The callsign is <c>all</c>, which is reserved for broadcast (400 <c>invalid</c>).</summary>
    public static readonly HubError CallsignReserved = new(HubErrorReason.Invalid, "callsign \"all\" is reserved for broadcast");
    /// <summary>A join asks for <paramref name="callsign"/> while another live session holds it (409 <c>callsign_taken</c>).</summary>
    public static HubError CallsignInUse(string callsign) => new(HubErrorReason.CallsignTaken,
        $"callsign \"{callsign}\" is already in use on this channel; pick a different one or have the current holder leave first");
    /// <summary>A join presented an <c>owner_password</c> that does not match the channel's (401 <c>unauthorized</c>).</summary>
    public static readonly HubError OwnerPasswordMismatch = new(HubErrorReason.Unauthorized,
        "owner_password did not match — re-check the secret or omit the field to join without it");
    /// <summary>On a channel that requires identity, a join for <paramref name="callsign"/> did not present the identity key bound to it (401 <c>identity_required</c>).</summary>
    public static HubError IdentityKeyRequired(string callsign) => new(HubErrorReason.IdentityRequired,
        $"callsign \"{callsign}\" on this channel is bound to an identity key; pass the identity_key returned by its first join (body field identity_key or header X-Identity-Key)");
    /// <summary>On a channel that requires identity, a join with no callsign presented an identity key that matches no callsign (401 <c>identity_required</c>).</summary>
    public static readonly HubError IdentityKeyUnknown = new(HubErrorReason.IdentityRequired,
        "identity_key does not match any callsign on this channel");
    /// <summary>A client-chosen <c>X-Session-Id</c> is too long or holds characters other than visible ASCII (400 <c>invalid</c>).</summary>
    public static readonly HubError SessionIdInvalid = new(HubErrorReason.Invalid,
        "X-Session-Id must be 8-128 visible ASCII characters");
    /// <summary>A join would open a new session on a channel that already holds its maximum number of sessions (503 <c>capacity_exceeded</c>).</summary>
    public static readonly HubError TooManySessions = new(HubErrorReason.CapacityExceeded, "this channel holds the most agents it may; try again later");
    /// <summary>A join would add a new callsign to a channel that already remembers its maximum number of callsigns (503 <c>capacity_exceeded</c>).</summary>
    public static readonly HubError TooManyCallsigns = new(HubErrorReason.CapacityExceeded, "this channel remembers the most callsigns it may; try again later");

    // Session checks.
    /// <summary>A keepalive came without an <c>X-Session-Id</c> (400 <c>invalid</c>).</summary>
    public static readonly HubError SessionHeaderRequired = new(HubErrorReason.Invalid, "X-Session-Id header required");
    /// <summary>A session-bound call (listen, stream, leave, send and the like) came without an <c>X-Session-Id</c> (400 <c>invalid</c>).</summary>
    public static readonly HubError SessionHeaderRequiredFromJoin = new(HubErrorReason.Invalid, "X-Session-Id header required (returned by /join)");
    /// <summary>The session id is not a session of this channel and never was (400 <c>not_joined</c>).</summary>
    public static readonly HubError NotJoinedToChannel = new(HubErrorReason.NotJoined,
        "not joined to channel; call /join with {callsign, token} first",
        "POST /join with {\"callsign\":\"<name>\"} and your bearer token, then pass the returned session_id as X-Session-Id.");
    /// <summary>The session id belonged to a session of this channel that has since expired (410 <c>session_expired</c>).</summary>
    public static readonly HubError SessionExpiredError = new(HubErrorReason.SessionExpired,
        "session expired; call /join with the same callsign+token to refresh (session_id is reusable)",
        "Re-POST /join with the same callsign: the same callsign returns the same session_id.");

    // Listen, wait, history: query values (REST) and tool arguments (MCP) alike.
    /// <summary><c>since</c> is not an optionally signed string of digits (400 <c>invalid</c>).</summary>
    public static readonly HubError SinceNotNumeric = new(HubErrorReason.Invalid, "since must be a numeric message id");
    /// <summary><c>since</c> is a positive integer past <see cref="long.MaxValue"/> (400 <c>invalid</c>).</summary>
    public static readonly HubError SinceOutOfRange = new(HubErrorReason.Invalid, $"since must be a message id from 0 to {long.MaxValue}");
    /// <summary><c>timeout</c> is not a finite number (400 <c>invalid</c>).</summary>
    public static readonly HubError TimeoutNotNumeric = new(HubErrorReason.Invalid, "timeout must be a number of seconds");
    /// <summary>The history count <c>n</c> is not a finite number (400 <c>invalid</c>).</summary>
    public static readonly HubError HistoryCountNotNumeric = new(HubErrorReason.Invalid, "n must be a number");
    /// <summary>The transcript <c>limit</c> is not a finite number (400 <c>invalid</c>).</summary>
    public static readonly HubError TranscriptLimitNotNumeric = new(HubErrorReason.Invalid, "limit must be a number");

    // Request bodies and tool arguments: refused once, before any field is read.
    /// <summary>The request body is not valid JSON; <paramref name="detail"/> is the parser's first sentence (400 <c>invalid_json</c>).</summary>
    public static HubError InvalidJsonBody(string detail) => new(HubErrorReason.InvalidJson, $"request body is not valid JSON: {detail}");
    /// <summary>The request body is JSON but not an object (400 <c>invalid_body</c>).</summary>
    public static readonly HubError BodyNotObject = new(HubErrorReason.InvalidBody, "request body must be a JSON object");
    /// <summary>The MCP tool arguments are present but not a JSON object (tool error, <c>invalid_body</c>).</summary>
    public static readonly HubError ArgumentsNotObject = new(HubErrorReason.InvalidBody, "arguments must be a JSON object");
    /// <summary>The body field <paramref name="field"/> is present but not a JSON string (400 <c>invalid</c>).</summary>
    public static HubError FieldNotString(string field) => new(HubErrorReason.Invalid, $"{field} must be a string");

    // Send.
    /// <summary><c>priority</c> is not one of <c>min</c>, <c>low</c>, <c>default</c>, <c>high</c>, <c>urgent</c>, or is not a string (400 <c>invalid</c>).</summary>
    public static readonly HubError InvalidPriority = new(HubErrorReason.Invalid, "invalid priority; must be one of min|low|default|high|urgent");
    /// <summary><c>kind</c> is neither <c>message</c> nor <c>status</c> (400 <c>invalid</c>).</summary>
    /// <param name="shown">The offending value as shown in the message: the value itself, or its JSON type when it is not a string.</param>
    /// <param name="looksLikeText">Adds a hint to omit <c>kind</c> (for values such as <c>text</c>, <c>msg</c>, <c>chat</c>).</param>
    public static HubError InvalidKind(string shown, bool looksLikeText) => new(HubErrorReason.Invalid,
        $"invalid kind '{shown}'; must be 'message' (or omitted) or 'status' (ephemeral working-on-it signal)"
        + (looksLikeText ? ". To send a normal message, omit kind and put the text in \"message\"." : ""));
    /// <summary><c>to</c> names a callsign that has never been on the channel (400 <c>invalid</c>).</summary>
    /// <param name="to">The recipient as given, trimmed.</param>
    /// <param name="roster">The channel's roster, as text for the message.</param>
    public static HubError UnknownRecipient(string to, string roster) => new(HubErrorReason.Invalid,
        $"no callsign \"{to}\" has ever been on this channel (roster: {roster}). Send to a callsign, #N from the roster, or \"all\"; DMs to callsigns that were here before are allowed.");
    /// <summary>A <c>status</c> message has no text (400 <c>invalid</c>).</summary>
    public static readonly HubError StatusTextRequired = new(HubErrorReason.Invalid, "status message requires text (1-280 chars)");
    /// <summary>A <c>status</c> message's text is longer than <paramref name="max"/> characters (400 <c>invalid</c>).</summary>
    public static HubError StatusTooLong(int max) => new(HubErrorReason.Invalid, $"status message too long (max {max} chars); send a normal message for longer text");
    /// <summary>A message has no text and no attachments (400 <c>invalid</c>).</summary>
    public static readonly HubError MessageTextRequired = new(HubErrorReason.Invalid, "message text required (or send at least one attachment)");
    /// <summary>A message's text is longer than <paramref name="max"/> characters (400 <c>invalid</c>).</summary>
    public static HubError MessageTooLong(int max) => new(HubErrorReason.Invalid, $"message too long (max {max} chars)");

    /// <summary><c>suggested_replies</c> is present but not a JSON array (400 <c>invalid</c>).</summary>
    public static readonly HubError SuggestedRepliesNotArray = new(HubErrorReason.Invalid, "suggested_replies must be an array of strings");
    /// <summary><c>suggested_replies</c> has more than <paramref name="max"/> entries (400 <c>invalid</c>).</summary>
    public static HubError SuggestedRepliesTooMany(int max) => new(HubErrorReason.Invalid, $"suggested_replies: at most {max} entries");
    /// <summary>An entry of <c>suggested_replies</c> is not a string (400 <c>invalid</c>).</summary>
    public static readonly HubError SuggestedReplyNotString = new(HubErrorReason.Invalid, "suggested_replies entries must be strings");
    /// <summary>An entry of <c>suggested_replies</c>, trimmed, is longer than <paramref name="max"/> characters (400 <c>invalid</c>).</summary>
    public static HubError SuggestedReplyTooLong(int max) => new(HubErrorReason.Invalid, $"suggested_replies entries must be at most {max} chars");

    /// <summary><c>attachments</c> is present but not a JSON array (400 <c>invalid</c>).</summary>
    public static readonly HubError AttachmentsNotArray = new(HubErrorReason.Invalid, "attachments must be an array");
    /// <summary>A message has more than <paramref name="max"/> attachments (400 <c>invalid</c>).</summary>
    public static HubError AttachmentsTooMany(int max) => new(HubErrorReason.Invalid, $"at most {max} attachments per message");
    /// <summary>The attachment at <paramref name="index"/> is not an object (400 <c>invalid</c>).</summary>
    public static HubError AttachmentNotObject(int index) => new(HubErrorReason.Invalid, $"attachments[{index}] must be an object");
    /// <summary>The attachment at <paramref name="index"/> has a missing or unsupported <c>mime</c> (400 <c>invalid</c>).</summary>
    public static HubError AttachmentMimeInvalid(int index) => new(HubErrorReason.Invalid,
        $"attachments[{index}].mime must be one of image/jpeg, image/png, image/webp, image/gif, application/pdf");
    /// <summary>The attachment at <paramref name="index"/> has a missing or empty <c>data_base64</c> (400 <c>invalid</c>).</summary>
    public static HubError AttachmentDataMissing(int index) => new(HubErrorReason.Invalid, $"attachments[{index}].data_base64 must be a non-empty string");
    /// <summary>The attachment at <paramref name="index"/> has a <c>data_base64</c> that is not valid base64 (400 <c>invalid</c>).</summary>
    public static HubError AttachmentDataNotBase64(int index) => new(HubErrorReason.Invalid, $"attachments[{index}].data_base64 is not valid base64");
    /// <summary>A message's attachments together exceed <paramref name="max"/> base64 characters (413 <c>invalid</c>).</summary>
    public static HubError AttachmentsTooLarge(int max) => new(HubErrorReason.TooLarge,
        $"attachments too large (max {max} base64 chars in total per message); host the file elsewhere and paste a URL instead");

    /// <summary>An <c>Idempotency-Key</c> already used from this callsign for a different message came back (422 <c>idempotency_key_reused</c>).</summary>
    public static readonly HubError IdempotencyKeyReusedError = new(HubErrorReason.IdempotencyKeyReused, "Idempotency-Key was already used for a different message; use a new key for a new message");
    /// <summary>An <c>Idempotency-Key</c> is empty, longer than <paramref name="max"/> characters, or holds characters other than visible ASCII (400 <c>invalid</c>).</summary>
    public static HubError IdempotencyKeyInvalid(int max) => new(HubErrorReason.Invalid, $"Idempotency-Key must be 1-{max} visible ASCII characters");

    // A shared store (Redis) that is down, slow or lost the channel's write lease: 503, and the client retries.
    internal static readonly HubError StoreUnavailableError = new(HubErrorReason.StoreUnavailable, "the shared store is unavailable",
        "retry in a moment: the hub reconnects by itself");
}
