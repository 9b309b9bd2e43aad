using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Tests.Core;

/// <summary>
/// The engine seam (docs/ARCHITECTURE.md): with a store whose writes become durable later, every acknowledgement (send,
/// cursor commit, join, leave, channel creation) waits for its ticket, while what was staged is visible at once.
/// </summary>
public class StoreSeamTests
{
    [Fact]
    public async Task Send_is_acknowledged_only_once_its_append_is_durable()
    {
        var store = new SlowHubStore();
        using var hub = new Hub(store, new HubOptions { OwnerPasswordIterations = 1 }, runGarbageCollector: false);
        var created = hub.CreateChannelAsync(new CreateChannelSpec());
        Assert.False(created.IsCompleted);
        store.Flush();
        var ch = (await created).Channel;

        var a = await Flushed(store, ch.JoinAsync(new JoinRequest { Callsign = "alpha" }));
        var b = await Flushed(store, ch.JoinAsync(new JoinRequest { Callsign = "bravo" }));

        var sent = ch.SendAsync(a.SessionId, ch.Prepare(new SendRequest { Text = "hello" }));
        Assert.False(sent.IsCompleted);
        Assert.Single(ch.History(10)); // staged: readable before it is durable
        store.Flush();
        Assert.Equal("hello", (await sent).Message.Text);

        var delivery = await ch.ListenAsync(b.SessionId, TimeSpan.Zero);
        var committed = ch.CommitAsync(delivery);
        Assert.False(committed.IsCompleted);
        Assert.Equal(("bravo", delivery.Cursor), store.LastCursor);
        store.Flush();
        await committed;

        var left = ch.LeaveAsync(b.SessionId);
        Assert.False(left.IsCompleted);
        store.Flush();
        Assert.True(await left);
    }

    [Fact]
    public async Task A_replay_waits_for_the_first_answer_to_be_durable()
    {
        var store = new SlowHubStore();
        using var hub = new Hub(store, new HubOptions { OwnerPasswordIterations = 1 }, runGarbageCollector: false);
        var ch = (await Flushed(store, hub.CreateChannelAsync(new CreateChannelSpec()))).Channel;
        var a = await Flushed(store, ch.JoinAsync(new JoinRequest { Callsign = "alpha" }));
        var first = ch.SendAsync(a.SessionId, ch.Prepare(new SendRequest { Text = "once" }), "key-1");
        var replay = ch.SendAsync(a.SessionId, ch.Prepare(new SendRequest { Text = "once" }), "key-1");
        Assert.False(replay.IsCompleted);
        store.Flush();
        Assert.True((await replay).Replayed);
        Assert.Equal((await first).Message.Id, ch.History(1)[0].Id);
    }

    [Fact]
    public async Task In_memory_acknowledgements_complete_synchronously()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var join = ch.JoinAsync(new JoinRequest { Callsign = "alpha" });
        Assert.True(join.IsCompletedSuccessfully);
        var b = ch.JoinAs("bravo").SessionId;
        Assert.True(ch.SendAsync((await join).SessionId, ch.Prepare(new SendRequest { Text = "hi" })).IsCompletedSuccessfully);
        var delivery = await ch.ListenAsync(b, TimeSpan.Zero);
        Assert.True(ch.CommitAsync(delivery).IsCompletedSuccessfully);
        Assert.True(ch.LeaveAsync(b).IsCompletedSuccessfully);
    }

    private static async Task<T> Flushed<T>(SlowHubStore store, ValueTask<T> pending)
    {
        store.Flush();
        return await pending;
    }

    /// <summary>In-memory channels whose every write gets a ticket that is durable only when the test flushes.</summary>
    private sealed class SlowHubStore : IHubStore
    {
        private readonly Lock _gate = new();
        private readonly List<(long Sequence, TaskCompletionSource Done)> _waiting = [];
        private long _staged;
        private long _durable;

        public (string, long) LastCursor { get; private set; }

        public StoreTicket Stage() => new(Interlocked.Increment(ref _staged));

        public IChannelStore CreateChannel(ChannelSettings settings, int ringCapacity, out StoreTicket ticket)
        {
            ticket = Stage();
            return new SlowChannelStore(this, new MessageRing(ringCapacity));
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
        private sealed class SlowChannelStore(SlowHubStore hub, IMessageRing ring) : InMemoryChannelStore(ring), IChannelStore
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
}
