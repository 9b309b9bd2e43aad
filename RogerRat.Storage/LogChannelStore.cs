using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Storage;

/// <summary>
/// A channel on the log: the in-memory window (the lock-free ring) serves every read and mints ids; every write is also
/// staged as a log record and its ticket waits for the writer. Called under the channel's lock, in the channel's order.
/// </summary>
internal sealed class LogChannelStore(string channelId, InMemoryChannelStore window, LogWriter log) : IChannelStore
{
    public int Capacity => window.Capacity;
    public long Tail => window.Tail;
    public long OldestPosition => window.OldestPosition;
    public long? OldestId => window.OldestId;

    public long ReadAfter(long afterId, string? callsign, List<ChannelMessage> into, int max) => window.ReadAfter(afterId, callsign, into, max);

    public bool AnyAfter(long afterId, string callsign) => window.AnyAfter(afterId, callsign);

    public ChannelMessage[] Last(int count) => window.Last(count);

    public long MintId(long now) => window.MintId(now);

    public StagedAppend Append(in MessageDraft draft)
    {
        var staged = window.Append(draft);
        return staged with { Ticket = log.Stage(LogRecord.Appended(channelId, staged.Message)) };
    }

    public StoreTicket CommitCursor(string callsign, long cursor) => log.Stage(LogRecord.Cursor(channelId, callsign, cursor));

    public StoreTicket PutSession(in SessionRecord session) => log.Stage(LogRecord.SessionPut(channelId, session));

    public StoreTicket RemoveSession(string sessionId) => log.Stage(LogRecord.SessionRemoved(channelId, sessionId));

    public StoreTicket PutCallsign(in CallsignRecord callsign) => log.Stage(LogRecord.CallsignPut(channelId, callsign));

    public StoreTicket PutIdempotencyKey(in IdempotencyRecord record) => log.Stage(LogRecord.KeyPut(channelId, record));

    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default) => log.WaitDurableAsync(ticket, cancellationToken);
}
