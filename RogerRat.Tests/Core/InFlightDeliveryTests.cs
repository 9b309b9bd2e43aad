using RogerRat.Core;

namespace RogerRat.Tests.Core;

/// <summary>
/// A listen that arrives while the callsign's previous delivery is still being written (taken, not yet committed or
/// abandoned). Over HTTP this is ordinary: the client reads the response and asks again, possibly on another
/// connection, before the server's write completion commits. The new listen must not hand the same messages out again.
/// </summary>
public class InFlightDeliveryTests
{
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(5);

    private static (TestHub T, Channel Ch, string A, string B) Setup()
    {
        var t = new TestHub();
        var ch = t.NewChannel();
        return (t, ch, ch.JoinAs("alpha").SessionId, ch.JoinAs("bravo").SessionId);
    }

    private static async Task<bool> StaysPending(ValueTask<Delivery> listen)
    {
        var task = listen.AsTask();
        await Task.WhenAny(task, Task.Delay(150));
        return !task.IsCompleted;
    }

    [Fact]
    public void An_immediate_listen_answers_empty_and_takes_nothing()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var first = ch.ListenNow(b);
        var second = ch.ListenNow(b);
        Assert.Empty(second.Messages);
        Assert.True(second.TimedOut);
        Assert.False(second.NeedsCommit);
        Assert.Equal(0, second.Cursor);
        ch.Commit(first);
        Assert.Empty(ch.Drain(b));
    }

    [Fact]
    public async Task After_the_commit_a_waiting_listen_keeps_waiting_and_gets_only_what_is_new()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var first = ch.ListenNow(b);
        var waiting = ch.ListenAsync(b, TimeSpan.FromMinutes(1)).AsTask();
        Assert.False(waiting.IsCompleted);
        ch.Commit(first);
        Assert.True(await StaysPending(new ValueTask<Delivery>(waiting)), "the commit left nothing new to hand out");
        ch.Say(a, "two");
        var d = await waiting.WaitAsync(s_settle);
        Assert.Equal(["two"], d.Messages.Select(m => m.Text));
        ch.Commit(d);
        Assert.Empty(ch.Drain(b));
    }

    [Fact]
    public async Task After_an_abandon_the_waiting_listen_gets_the_same_messages()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var first = ch.ListenNow(b);
        var waiting = ch.ListenAsync(b, TimeSpan.FromMinutes(1)).AsTask();
        ch.Say(a, "two"); // wakes it, but the lease is still in flight
        Assert.True(await StaysPending(new ValueTask<Delivery>(waiting)));
        ch.Abandon(first);
        var d = await waiting.WaitAsync(s_settle);
        Assert.Equal(["one", "two"], d.Messages.Select(m => m.Text));
        ch.Commit(d);
        Assert.Empty(ch.Drain(b));
    }

    [Fact]
    public async Task A_lease_never_reported_goes_stale_and_its_messages_come_again()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var lost = ch.ListenNow(b);
        var waiting = ch.ListenAsync(b, TimeSpan.FromMinutes(5)).AsTask();
        t.Time.Advance(t.Options.DeliveryLeaseTimeout - TimeSpan.FromSeconds(1));
        Assert.True(await StaysPending(new ValueTask<Delivery>(waiting)));
        t.Time.Advance(TimeSpan.FromSeconds(1));
        var d = await waiting.WaitAsync(s_settle);
        Assert.Equal(["one"], d.Messages.Select(m => m.Text));
        ch.Commit(lost); // too late: replaced
        Assert.True(ch.ListenNow(b).TimedOut, "the replacing delivery is still in flight");
        ch.Commit(d);
        Assert.Empty(ch.Drain(b));
    }

    [Fact]
    public async Task A_waiting_listen_ends_at_its_own_timeout_without_taking_anything()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var first = ch.ListenNow(b);
        var waiting = ch.ListenAsync(b, TimeSpan.FromSeconds(5)).AsTask();
        t.Time.Advance(TimeSpan.FromSeconds(5));
        var d = await waiting.WaitAsync(s_settle);
        Assert.True(d.TimedOut);
        Assert.False(d.NeedsCommit);
        ch.Commit(first); // the in-flight delivery was not replaced
        Assert.Empty(ch.Drain(b));
    }

    [Fact]
    public async Task A_newer_listen_supersedes_the_one_waiting_behind_the_lease()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var first = ch.ListenNow(b);
        var older = ch.ListenAsync(b, TimeSpan.FromMinutes(1)).AsTask();
        var newer = ch.ListenAsync(b, TimeSpan.FromMinutes(1)).AsTask();
        var superseded = await older.WaitAsync(s_settle);
        Assert.Empty(superseded.Messages);
        Assert.False(superseded.NeedsCommit);
        ch.Abandon(first);
        var d = await newer.WaitAsync(s_settle);
        Assert.Equal(["one"], d.Messages.Select(m => m.Text));
        ch.Commit(d);
    }

    [Fact]
    public async Task Leaving_ends_a_listen_waiting_behind_the_lease()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        ch.ListenNow(b);
        var waiting = ch.ListenAsync(b, TimeSpan.FromMinutes(1)).AsTask();
        ch.Leave(b);
        var d = await waiting.WaitAsync(s_settle);
        Assert.Empty(d.Messages);
        Assert.False(d.NeedsCommit);
    }

    [Fact]
    public void A_since_listen_does_not_wait_it_re_reads_and_replaces_the_lease()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var first = ch.ListenNow(b);
        var again = ch.ListenNow(b, since: 0);
        Assert.Equal(["one"], again.Messages.Select(m => m.Text));
        ch.Commit(first); // replaced: ignored
        ch.Commit(again);
        Assert.Empty(ch.Drain(b));
    }
}
