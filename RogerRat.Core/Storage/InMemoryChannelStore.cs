namespace RogerRat.Core.Storage;

/// <summary>
/// Today's engine behind the seam: the lock-free <see cref="MessageRing"/> holds the messages, and the channel's working
/// copy (cursors in <see cref="CallsignState"/>, sessions, callsigns, the idempotency cache) is the only copy, so those
/// writes record nothing. Every ticket is <see cref="StoreTicket.None"/> and every wait a completed <see cref="ValueTask"/>:
/// the fast path gains one call and no allocation. Not sealed: a test store re-implements the writes on top of it.
/// A durable store keeps one as its window (the retained messages readers read) and logs the writes itself.
/// </summary>
public class InMemoryChannelStore : IChannelStore
{
    private readonly IMessageRing ring;
    private long _lastId;

    /// <summary>A window of the last <paramref name="capacity"/> messages on the lock-free ring.</summary>
    public InMemoryChannelStore(int capacity) : this(new MessageRing(capacity))
    {
    }

    internal InMemoryChannelStore(IMessageRing ring) => this.ring = ring;

    /// <summary>Highest id minted or restored.</summary>
    public long LastId => _lastId;

    /// <summary>
    /// Puts back a recovered message, with its own id, before the channel opens (no reader, no writer yet). Messages
    /// come oldest first; only the last <see cref="Capacity"/> stay.
    /// </summary>
    public void Restore(ChannelMessage message)
    {
        if (message.Id <= _lastId) throw new ArgumentException($"restored message id {message.Id} is not above {_lastId}", nameof(message));
        ring.Append(message);
        _lastId = message.Id;
    }

    /// <summary>Ids minted from now on are above <paramref name="id"/> (a cursor or a status id the log saw), even if the clock went back.</summary>
    public void RestoreLastId(long id) => _lastId = Math.Max(_lastId, id);

    /// <summary>Messages the ring retains.</summary>
    public int Capacity => ring.Capacity;
    /// <summary>Position the next append will take.</summary>
    public long Tail => ring.Tail;
    /// <summary>Position of the oldest retained message.</summary>
    public long OldestPosition => ring.OldestPosition;
    /// <summary>Id of the oldest retained message, or null when empty.</summary>
    public long? OldestId => ring.OldestId;

    /// <inheritdoc/>
    public long ReadAfter(long afterId, string? callsign, List<ChannelMessage> into, int max) => ring.ReadAfter(afterId, callsign, into, max);

    /// <inheritdoc/>
    public bool AnyAfter(long afterId, string callsign) => ring.AnyAfter(afterId, callsign);

    /// <inheritdoc/>
    public ChannelMessage[] Last(int count) => ring.Last(count);

    /// <inheritdoc/>
    // The channel's lock serialises writers, so a plain field is enough.
    public long MintId(long now) => _lastId = Math.Max(now, _lastId + 1);

    /// <summary>Mints the id and publishes the message on the ring; the ticket is <see cref="StoreTicket.None"/>.</summary>
    public StagedAppend Append(in MessageDraft draft)
    {
        var message = new ChannelMessage(MintId(draft.At), draft.From, draft.To, draft.Text, draft.At, draft.Kind, draft.Priority,
            draft.SuggestedReplies, draft.Attachments);
        return new StagedAppend(message, ring.Append(message), StoreTicket.None);
    }

    /// <summary>Records nothing (the channel's working copy is the only copy); returns <see cref="StoreTicket.None"/>.</summary>
    public StoreTicket CommitCursor(string callsign, long cursor) => StoreTicket.None;

    /// <summary>Records nothing (the channel's working copy is the only copy); returns <see cref="StoreTicket.None"/>.</summary>
    public StoreTicket PutSession(in SessionRecord session) => StoreTicket.None;

    /// <summary>Records nothing (the channel's working copy is the only copy); returns <see cref="StoreTicket.None"/>.</summary>
    public StoreTicket RemoveSession(string sessionId) => StoreTicket.None;

    /// <summary>Records nothing (the channel's working copy is the only copy); returns <see cref="StoreTicket.None"/>.</summary>
    public StoreTicket PutCallsign(in CallsignRecord callsign) => StoreTicket.None;

    /// <summary>Records nothing (the channel's working copy is the only copy); returns <see cref="StoreTicket.None"/>.</summary>
    public StoreTicket PutIdempotencyKey(in IdempotencyRecord record) => StoreTicket.None;

    /// <summary>Already complete: nothing this store stages needs waiting for.</summary>
    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default) => default;
}
