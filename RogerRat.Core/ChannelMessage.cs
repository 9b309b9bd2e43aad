namespace RogerRat.Core;

/// <summary>Whether a message is kept (normal) or only handed to listeners parked at that instant (status).</summary>
public enum MessageKind : byte { Message, Status }

/// <summary>Advisory priority; the hub stores it and never acts on it (reference §1.8).</summary>
public enum MessagePriority : byte { Min, Low, Default, High, Urgent }

/// <summary>A validated attachment.</summary>
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
    public string From { get; }
    /// <summary>The resolved recipient callsign, or <c>all</c>.</summary>
    public string To { get; }
    public string Text { get; }
    /// <summary>Wall-clock time of the send in Unix milliseconds.</summary>
    public long At { get; }
    public MessageKind Kind { get; }
    public MessagePriority Priority { get; }
    public IReadOnlyList<string>? SuggestedReplies { get; }
    public IReadOnlyList<Attachment>? Attachments { get; }

    public bool IsBroadcast => ReferenceEquals(To, Callsigns.All) || To == Callsigns.All;

    /// <summary>Ring sequence; set once by the ring before the message is published.</summary>
    internal long Position { get; set; } = -1;

    /// <summary>Delivery eligibility (reference §1.10): never to the sender; broadcasts to all, DMs to their addressee.</summary>
    public bool IsFor(string callsign) => From != callsign && (IsBroadcast || To == callsign);
}
