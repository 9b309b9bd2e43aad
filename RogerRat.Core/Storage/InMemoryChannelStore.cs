namespace RogerRat.Core.Storage;

/// <summary>
/// Today's engine behind the seam: the lock-free <see cref="MessageRing"/> holds the messages, and the channel's working
/// copy (cursors in <see cref="CallsignState"/>, sessions, callsigns, the idempotency cache) is the only copy, so those
/// writes record nothing. Every ticket is <see cref="StoreTicket.None"/> and every wait a completed <see cref="ValueTask"/>:
/// the fast path gains one call and no allocation. Not sealed: a test store re-implements the writes on top of it.
/// </summary>
internal class InMemoryChannelStore(IMessageRing ring) : IChannelStore
{
    private long _lastId;

    public int Capacity => ring.Capacity;
    public long Tail => ring.Tail;
    public long OldestPosition => ring.OldestPosition;
    public long? OldestId => ring.OldestId;

    public long ReadAfter(long afterId, string? callsign, List<ChannelMessage> into, int max) => ring.ReadAfter(afterId, callsign, into, max);

    public bool AnyAfter(long afterId, string callsign) => ring.AnyAfter(afterId, callsign);

    public ChannelMessage[] Last(int count) => ring.Last(count);

    // The channel's lock serialises writers, so a plain field is enough.
    public long MintId(long now) => _lastId = Math.Max(now, _lastId + 1);

    public StagedAppend Append(in MessageDraft draft)
    {
        var message = new ChannelMessage(MintId(draft.At), draft.From, draft.To, draft.Text, draft.At, draft.Kind, draft.Priority,
            draft.SuggestedReplies, draft.Attachments);
        return new StagedAppend(message, ring.Append(message), StoreTicket.None);
    }

    public StoreTicket CommitCursor(string callsign, long cursor) => StoreTicket.None;

    public StoreTicket PutSession(in SessionRecord session) => StoreTicket.None;

    public StoreTicket RemoveSession(string sessionId) => StoreTicket.None;

    public StoreTicket PutCallsign(in CallsignRecord callsign) => StoreTicket.None;

    public StoreTicket PutIdempotencyKey(in IdempotencyRecord record) => StoreTicket.None;

    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default) => default;
}
