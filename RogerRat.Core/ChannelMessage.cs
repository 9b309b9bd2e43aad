namespace RogerRat.Core;

/// <summary>Whether a message is kept (normal) or only handed to listeners parked at that instant (status).</summary>
public enum MessageKind : byte
{
    /// <summary>A normal message: stored in the ring, listed in history, delivered to listens that catch up later.</summary>
    Message,
    /// <summary>An ephemeral status signal: never stored, handed only to listeners parked at the moment it is sent.</summary>
    Status,
}

/// <summary>Advisory priority; the hub stores it and never acts on it (reference §1.8).</summary>
public enum MessagePriority : byte
{
    /// <summary>Lowest priority (rank 0, wire <c>min</c>).</summary>
    Min,
    /// <summary>Below default (rank 1, wire <c>low</c>).</summary>
    Low,
    /// <summary>The default (rank 2), also when none is given; omitted on the wire.</summary>
    Default,
    /// <summary>Above default (rank 3, wire <c>high</c>).</summary>
    High,
    /// <summary>Highest priority (rank 4, wire <c>urgent</c>).</summary>
    Urgent,
}

/// <summary>A validated attachment.</summary>
/// <param name="Mime">The attachment's MIME type.</param>
/// <param name="DataBase64">The content, base64-encoded.</param>
/// <param name="Filename">The file name the sender gave, or null.</param>
public sealed record Attachment(string Mime, string DataBase64, string? Filename);

/// <summary>
/// An immutable message. Immutable so that the ring can publish it with one reference write and readers can use it
/// without a lock; <see cref="Position"/> is its slot sequence in the ring, which lets a reader tell a slot it may
/// read from one the writer has since reused.
/// </summary>
public sealed class ChannelMessage
{
    /// <summary>A message as a store holds it: stores build it when they append, and again when they recover it.</summary>
    public ChannelMessage(long id, string from, string to, string text, long at, MessageKind kind, MessagePriority priority,
        IReadOnlyList<string>? suggestedReplies, IReadOnlyList<Attachment>? attachments)
    {
        Id = id;
        From = from;
        To = to;
        Text = text;
        At = at;
        Kind = kind;
        Priority = priority;
        SuggestedReplies = suggestedReplies;
        Attachments = attachments;
    }

    /// <summary>Per-channel, strictly increasing: <c>max(now_ms, previous + 1)</c>.</summary>
    public long Id { get; }
    /// <summary>The sender's normalised callsign.</summary>
    public string From { get; }
    /// <summary>The resolved recipient callsign, or <c>all</c>.</summary>
    public string To { get; }
    /// <summary>The message body; empty only for a normal message that carries attachments.</summary>
    public string Text { get; }
    /// <summary>Wall-clock time of the send in Unix milliseconds.</summary>
    public long At { get; }
    /// <summary>Whether this is a stored message or an ephemeral status signal.</summary>
    public MessageKind Kind { get; }
    /// <summary>The advisory priority the sender gave (<see cref="MessagePriority.Default"/> when none).</summary>
    public MessagePriority Priority { get; }
    /// <summary>Reply options offered to the recipient, or null when none.</summary>
    public IReadOnlyList<string>? SuggestedReplies { get; }
    /// <summary>The validated attachments, or null when none.</summary>
    public IReadOnlyList<Attachment>? Attachments { get; }

    /// <summary>True when the message is addressed to <c>all</c> rather than one callsign.</summary>
    public bool IsBroadcast => ReferenceEquals(To, Callsigns.All) || To == Callsigns.All;

    /// <summary>Ring sequence; set once by the ring before the message is published.</summary>
    internal long Position { get; set; } = -1;

    // The message's wire JSON object, encoded once and shared by every answer that carries it: a broadcast woken N
    // listens writes the same bytes N times. Set at most once (the first encoder wins a compare-exchange; a racing one
    // encoded the same bytes and drops its copy), so a reader sees null or the final array.
    private byte[]? _encodedJson;

    /// <summary>The cached wire JSON (<c>WireJson.Message</c>'s object), or null before the first encoding.</summary>
    internal byte[]? EncodedJson => Volatile.Read(ref _encodedJson);

    /// <summary>Caches <paramref name="json"/> unless another thread did first; returns the cached bytes.</summary>
    internal byte[] CacheEncodedJson(byte[] json) => Interlocked.CompareExchange(ref _encodedJson, json, null) ?? json;

    /// <summary>Delivery eligibility (reference §1.10): never to the sender; broadcasts to all, DMs to their addressee.</summary>
    public bool IsFor(string callsign) => From != callsign && (IsBroadcast || To == callsign);
}
