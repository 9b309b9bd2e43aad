namespace RogerRat.Core.Storage;

/// <summary>
/// What one channel keeps in a store (docs/ARCHITECTURE.md, "The engine seam"). Reads are synchronous and may run
/// concurrently with a write, without a lock. Writes are staged by the channel under its lock, one at a time, in the
/// channel's order: a staged write is visible to reads at once and returns a ticket; the caller leaves the lock and
/// awaits <see cref="IDurableStore.WaitDurableAsync"/> before it acknowledges anything. Positions count every stored message since the
/// channel began, so a reader can tell which part of what it read is still retained (<see cref="OldestPosition"/>).
/// </summary>
public interface IChannelStore : IDurableStore
{
    /// <summary>Messages retained.</summary>
    int Capacity { get; }

    /// <summary>Position the next append will take.</summary>
    long Tail { get; }

    /// <summary>Position of the oldest retained message.</summary>
    long OldestPosition { get; }

    /// <summary>Id of the oldest retained message, or null when empty.</summary>
    long? OldestId { get; }

    /// <summary>
    /// Adds to <paramref name="into"/>, in order, every retained message with <c>Id &gt; afterId</c> that
    /// <paramref name="callsign"/> may receive (all when null), at most <paramref name="max"/>. Returns the position the
    /// read started at.
    /// </summary>
    long ReadAfter(long afterId, string? callsign, List<ChannelMessage> into, int max);

    /// <summary>True when a retained message with <c>Id &gt; afterId</c> is for <paramref name="callsign"/>. Allocates nothing.</summary>
    bool AnyAfter(long afterId, string callsign);

    /// <summary>The last <paramref name="count"/> retained messages, oldest first.</summary>
    ChannelMessage[] Last(int count);

    /// <summary>Mints the next id, <c>max(now, last + 1)</c>, for a message that is not stored (a status signal).</summary>
    long MintId(long now);

    /// <summary>Mints the id and stores the message (staged).</summary>
    StagedAppend Append(in MessageDraft draft);

    /// <summary>Records a callsign's committed cursor (staged).</summary>
    StoreTicket CommitCursor(string callsign, long cursor);

    /// <summary>Records a session, new or renamed (staged).</summary>
    StoreTicket PutSession(in SessionRecord session);

    /// <summary>Forgets a session that left or was evicted (staged).</summary>
    StoreTicket RemoveSession(string sessionId);

    /// <summary>Records a callsign the channel now remembers, or its new identity key (staged).</summary>
    StoreTicket PutCallsign(in CallsignRecord callsign);

    /// <summary>Records an idempotency key and its first answer (staged).</summary>
    StoreTicket PutIdempotencyKey(in IdempotencyRecord record);
}
