namespace RogerRat.Core;

/// <summary>
/// What a listen hands to its transport: the messages, the cursor they would commit, and the gap report. Nothing is
/// consumed until the transport calls <see cref="Channel.Commit"/> after its write succeeded; on failure it calls
/// <see cref="Channel.Abandon"/> (or nothing: an uncommitted lease is replaced by the next listen).
/// </summary>
public readonly struct Delivery
{
    internal Delivery(IReadOnlyList<ChannelMessage> messages, long cursor, long missed, long? oldestAvailableId,
        CallsignState? lease, int leaseVersion, bool retry = false)
    {
        Retry = retry;
        Messages = messages;
        Cursor = cursor;
        Missed = missed;
        OldestAvailableId = oldestAvailableId;
        Lease = lease;
        LeaseVersion = leaseVersion;
    }

    /// <summary>The messages to hand out, oldest first; empty when the listen timed out or only reports a gap.</summary>
    public IReadOnlyList<ChannelMessage> Messages { get; }

    /// <summary>The id to pass as <c>since</c> to resume right after this delivery.</summary>
    public long Cursor { get; }

    /// <summary>Eligible messages that left the ring before they could be delivered (0 = no gap).</summary>
    public long Missed { get; }

    /// <summary>Id of the oldest message still in the ring, reported with a gap.</summary>
    public long? OldestAvailableId { get; }

    /// <summary>True when there is nothing to report: no messages and no gap.</summary>
    public bool TimedOut => Messages.Count == 0 && Missed == 0;

    /// <summary>True when the transport must commit or abandon this delivery.</summary>
    public bool NeedsCommit => Lease is not null;

    internal CallsignState? Lease { get; }
    internal int LeaseVersion { get; }

    /// <summary>
    /// Nothing to hand out yet, but the listen is not over: an earlier delivery is still in flight, or it just ended
    /// with nothing new. Only the engine sees it (a public caller would read it as an empty answer).
    /// </summary>
    internal bool Retry { get; }

    internal static Delivery Empty(long cursor) => new([], cursor, 0, null, null, 0);

    internal static Delivery Later(long cursor) => new([], cursor, 0, null, null, 0, retry: true);
}
