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
        var store = new TicketedHubStore();
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
        var store = new TicketedHubStore();
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

    private static async Task<T> Flushed<T>(TicketedHubStore store, ValueTask<T> pending)
    {
        store.Flush();
        return await pending;
    }
}
