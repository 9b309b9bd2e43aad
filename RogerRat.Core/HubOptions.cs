
namespace RogerRat.Core;

/// <summary>
/// Every limit of the engine, with its default. Defaults follow the original hub (reference §12.1) unless a
/// comment says otherwise; the caps that the original lacks are chosen to bound memory on a small host.
/// </summary>
public sealed class HubOptions
{
    /// <summary>Messages kept per channel (reference: HISTORY_CAP = 100).</summary>
    public int RingCapacity { get; set => field = OptionGuard.InRange(value, 1, 1 << 16); } = 100;

    /// <summary>Messages returned in a join response (reference: 20).</summary>
    public int JoinHistoryCount { get; set => field = OptionGuard.InRange(value, 0, 1 << 16); } = 20;

    /// <summary>Idle session TTL when a channel does not set one (reference: 30 min).</summary>
    public TimeSpan DefaultSessionTtl { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromMinutes(30);

    /// <summary>Largest session TTL a channel may ask for (reference: 24 h).</summary>
    public TimeSpan MaxSessionTtl { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromHours(24);

    /// <summary>How long a left or evicted session answers 410 instead of 400 (reference: 1 h).</summary>
    public TimeSpan TombstoneLifetime { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromHours(1);

    /// <summary>Interval of the garbage collector that evicts idle sessions (reference: 60 s).</summary>
    public TimeSpan GcInterval { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(60);

    /// <summary>How long an <c>Idempotency-Key</c> answers with the first response (PROTOCOL §1.7: 10 min).</summary>
    public TimeSpan IdempotencyKeyLifetime { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromMinutes(10);

    /// <summary>Channels per hub, bands included. The original has no cap (weak spot §15.4).</summary>
    public int MaxChannels { get; set => field = OptionGuard.InRange(value, 3, int.MaxValue); } = 10_000;

    /// <summary>Online sessions per channel. Not in the original; bounds the roster and the fan-out.</summary>
    public int MaxSessionsPerChannel { get; set => field = OptionGuard.InRange(value, 1, 1 << 20); } = 1_000;

    /// <summary>Callsigns a channel remembers (cursor, history). Not in the original, whose set never shrinks.</summary>
    public int MaxCallsignsPerChannel { get; set => field = OptionGuard.InRange(value, 1, 1 << 20); } = 4_096;

    /// <summary>Tombstones per channel; the oldest goes first when full.</summary>
    public int MaxTombstonesPerChannel { get; set => field = OptionGuard.InRange(value, 1, 1 << 20); } = 4_096;

    /// <summary>Idempotency keys remembered per channel; the oldest goes first when full.</summary>
    public int MaxIdempotencyKeysPerChannel { get; set => field = OptionGuard.InRange(value, 1, 1 << 20); } = 10_000;

    /// <summary>Longest idempotency key accepted.</summary>
    public int MaxIdempotencyKeyLength { get; set => field = OptionGuard.InRange(value, 1, 4096); } = 256;

    /// <summary>Longest normal message text in UTF-16 units (reference: 8 192).</summary>
    public int MaxMessageChars { get; set => field = OptionGuard.InRange(value, 1, 1 << 24); } = 8_192;

    /// <summary>Longest status text (reference: 280).</summary>
    public int MaxStatusChars { get; set => field = OptionGuard.InRange(value, 1, 1 << 16); } = 280;

    /// <summary>Attachments per message (reference: 4).</summary>
    public int MaxAttachments { get; set => field = OptionGuard.InRange(value, 0, 64); } = 4;

    /// <summary>Total base64 characters of a message's attachments (reference: 524 288); over it is 413.</summary>
    public int MaxAttachmentBase64Chars { get; set => field = OptionGuard.InRange(value, 0, int.MaxValue); } = 524_288;

    /// <summary>Attachment file names are cut to this length (reference: 128).</summary>
    public int MaxAttachmentFilenameChars { get; set => field = OptionGuard.InRange(value, 1, 4096); } = 128;

    /// <summary>Suggested replies per message (reference: 4).</summary>
    public int MaxSuggestedReplies { get; set => field = OptionGuard.InRange(value, 0, 64); } = 4;

    /// <summary>Longest suggested reply (reference: 64).</summary>
    public int MaxSuggestedReplyChars { get; set => field = OptionGuard.InRange(value, 1, 4096); } = 64;

    /// <summary>Status signals held for one parked listener between its wake and its read.</summary>
    public int StatusInboxCapacity { get; set => field = OptionGuard.InRange(value, 1, 1024); } = 16;

    /// <summary>Parked-listen waiters kept for reuse; beyond it a park allocates a waiter (and its timer) that is dropped after.</summary>
    public int MaxPooledWaiters { get; set => field = OptionGuard.InRange(value, 0, 1 << 20); } = 16_384;

    /// <summary>PBKDF2-SHA256 iterations for owner passwords (OWASP 2023 asks 600 000; 100 000 keeps joins fast on 2 cores).</summary>
    public int OwnerPasswordIterations { get; set => field = OptionGuard.InRange(value, 1, 10_000_000); } = 100_000;

    /// <summary>Owner password length after trimming (reference: 6..128).</summary>
    public int MinOwnerPasswordChars { get; set => field = OptionGuard.InRange(value, 1, 1024); } = 6;

    /// <inheritdoc cref="MinOwnerPasswordChars"/>
    public int MaxOwnerPasswordChars { get; set => field = OptionGuard.InRange(value, 1, 1024); } = 128;

    /// <summary>A client-supplied session id is used only from this length on (reference: 8).</summary>
    public int MinClientSessionIdLength { get; set => field = OptionGuard.InRange(value, 1, 1024); } = 8;

    /// <summary>Longest client-supplied session id accepted; longer ones are refused, not truncated.</summary>
    public int MaxClientSessionIdLength { get; set => field = OptionGuard.InRange(value, 8, 4096); } = 128;

    /// <summary>
    /// How long a listen waits behind an earlier delivery of its callsign that is still being written (taken, neither
    /// committed nor abandoned) before it counts that write as lost and takes the messages again. Over HTTP a client can
    /// read a response and ask again before the server's write completion commits it; waiting keeps that from
    /// delivering the same messages twice. A transport that never reports its write stalls listens this long.
    /// </summary>
    public TimeSpan DeliveryLeaseTimeout { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(30);

    /// <summary>The message store behind each channel; tests and benchmarks swap in a baseline.</summary>
    internal Func<int, IMessageRing> RingFactory { get; set; } = static capacity => new MessageRing(capacity);
}
