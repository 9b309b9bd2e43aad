using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Tests.Core;

/// <summary>
/// In-memory channels whose every write gets a real ticket, durable only when the test calls <see cref="Flush"/>, or at
/// once with <see cref="AutoFlush"/> (then the engine still takes its waiting path, on tickets that are already durable).
/// </summary>
internal sealed class TicketedHubStore : IHubStore
{
    private readonly Lock _gate = new();
    private readonly List<(long Sequence, TaskCompletionSource Done)> _waiting = [];
    private long _staged;
    private long _durable;

    public bool AutoFlush { get; init; }

    public (string, long) LastCursor { get; private set; }

    public StoreTicket Stage()
    {
        var ticket = new StoreTicket(Interlocked.Increment(ref _staged));
        if (AutoFlush) Flush();
        return ticket;
    }

    public IChannelStore CreateChannel(ChannelSettings settings, int ringCapacity, out StoreTicket ticket)
    {
        ticket = Stage();
        return new TicketedChannelStore(this, new MessageRing(ringCapacity));
    }

    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (ticket.Sequence <= _durable) return default;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((ticket.Sequence, done));
            return new ValueTask(done.Task);
        }
    }

    public void Flush()
    {
        List<TaskCompletionSource> done;
        lock (_gate)
        {
            _durable = Volatile.Read(ref _staged);
            done = _waiting.Where(w => w.Sequence <= _durable).Select(w => w.Done).ToList();
            _waiting.RemoveAll(w => w.Sequence <= _durable);
        }
        foreach (var d in done) d.SetResult();
    }

    // Reads, ids and appends are the in-memory store's; every write also gets a ticket that waits for Flush.
    private sealed class TicketedChannelStore(TicketedHubStore hub, IMessageRing ring) : InMemoryChannelStore(ring), IChannelStore
    {
        StagedAppend IChannelStore.Append(in MessageDraft draft) => Append(draft) with { Ticket = hub.Stage() };

        StoreTicket IChannelStore.CommitCursor(string callsign, long cursor)
        {
            hub.LastCursor = (callsign, cursor);
            return hub.Stage();
        }

        StoreTicket IChannelStore.PutSession(in SessionRecord session) => hub.Stage();
        StoreTicket IChannelStore.RemoveSession(string sessionId) => hub.Stage();
        StoreTicket IChannelStore.PutCallsign(in CallsignRecord callsign) => hub.Stage();
        StoreTicket IChannelStore.PutIdempotencyKey(in IdempotencyRecord record) => hub.Stage();
        ValueTask IDurableStore.WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken) => hub.WaitDurableAsync(ticket, cancellationToken);
    }
}
