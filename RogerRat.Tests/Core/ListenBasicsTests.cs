using RogerRat.Core;

namespace RogerRat.Tests.Core;

/// <summary>Single-threaded listen semantics (two-step delivery: take, then commit or abandon).</summary>
public class ListenBasicsTests
{
    private static (TestHub T, Channel Ch, string A, string B) Setup()
    {
        var t = new TestHub();
        var ch = t.NewChannel();
        return (t, ch, ch.JoinAs("alpha").SessionId, ch.JoinAs("bravo").SessionId);
    }

    [Fact]
    public async Task Pending_messages_come_at_once_with_the_cursor_and_need_a_commit()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        var m1 = ch.Say(a, "one").Message;
        var m2 = ch.Say(a, "two").Message;
        var pending = ch.ListenAsync(b, TimeSpan.FromMinutes(1));
        Assert.True(pending.IsCompleted);
        var d = await pending;
        Assert.Equal([m1, m2], d.Messages);
        Assert.Equal(m2.Id, d.Cursor);
        Assert.True(d.NeedsCommit);
        Assert.False(d.TimedOut);
        Assert.Equal(0, d.Missed);
        Assert.Null(d.OldestAvailableId);
    }

    [Fact]
    public void After_commit_they_do_not_come_again()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var d = ch.ListenNow(b);
        ch.Commit(d);
        var next = ch.ListenNow(b);
        Assert.True(next.TimedOut);
        Assert.Empty(next.Messages);
        Assert.Equal(d.Cursor, next.Cursor);
        Assert.False(next.NeedsCommit);

        var m3 = ch.Say(a, "three").Message;
        var d3 = ch.ListenNow(b);
        Assert.Equal([m3], d3.Messages);
        ch.Commit(d3);
        Assert.True(ch.ListenNow(b).TimedOut);
    }

    [Fact]
    public void Commit_twice_is_harmless()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var d = ch.ListenNow(b);
        ch.Commit(d);
        ch.Commit(d);
        ch.Say(a, "two");
        Assert.Equal(["two"], ch.Drain(b));
    }

    [Fact]
    public void Abandon_gives_the_messages_back()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var d = ch.ListenNow(b);
        ch.Abandon(d);
        ch.Commit(d); // too late: the lease ended
        Assert.Equal(["one"], ch.Drain(b));
    }

    [Fact]
    public void Since_re_reads_from_the_given_id()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        var m1 = ch.Say(a, "one").Message;
        var m2 = ch.Say(a, "two").Message;
        var m3 = ch.Say(a, "three").Message;
        Assert.Equal(["one", "two", "three"], ch.Drain(b));

        var again = ch.ListenNow(b, since: m1.Id);
        Assert.Equal([m2, m3], again.Messages);
        Assert.Equal(m3.Id, again.Cursor);
        ch.Commit(again);

        var all = ch.ListenNow(b, since: 0);
        Assert.Equal([m1, m2, m3], all.Messages);
        ch.Commit(all);

        var none = ch.ListenNow(b, since: m3.Id);
        Assert.True(none.TimedOut);
        Assert.Equal(m3.Id, none.Cursor);
    }

    [Fact]
    public void Since_ahead_of_the_cursor_skips_and_its_commit_moves_the_cursor()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        var m2 = ch.Say(a, "two").Message;
        var m3 = ch.Say(a, "three").Message;
        var d = ch.ListenNow(b, since: m2.Id);
        Assert.Equal([m3], d.Messages);
        ch.Commit(d);
        Assert.True(ch.ListenNow(b).TimedOut);
    }

    [Fact]
    public async Task Nothing_pending_with_timeout_zero_returns_empty_timed_out()
    {
        var (t, ch, _, b) = Setup();
        using var _t = t;
        var pending = ch.ListenAsync(b, TimeSpan.Zero);
        Assert.True(pending.IsCompleted);
        var d = await pending;
        Assert.True(d.TimedOut);
        Assert.Empty(d.Messages);
        Assert.False(d.NeedsCommit);
        Assert.Equal(0, d.Cursor);
        ch.Commit(d); // no-op
        ch.Abandon(d); // no-op
    }

    [Fact]
    public void Negative_timeout_and_cancelled_token_return_at_once()
    {
        var (t, ch, _, b) = Setup();
        using var _t = t;
        Assert.True(ch.ListenAsync(b, TimeSpan.FromSeconds(-1)).IsCompleted);
        Assert.True(ch.ListenAsync(b, TimeSpan.FromMinutes(1), null, new CancellationToken(canceled: true)).IsCompleted);
    }

    [Fact]
    public async Task A_parked_listen_times_out_empty_on_the_fake_clock()
    {
        var (t, ch, _, b) = Setup();
        using var _t = t;
        var pending = ch.ListenAsync(b, TimeSpan.FromSeconds(30));
        Assert.False(pending.IsCompleted);
        t.Time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(pending.IsCompleted);
        t.Time.Advance(TimeSpan.FromSeconds(1));
        var d = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(d.TimedOut);
        Assert.Empty(d.Messages);
    }

    [Fact]
    public async Task A_parked_listen_wakes_with_the_message_and_needs_a_commit()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        var pending = ch.ListenAsync(b, TimeSpan.FromMinutes(1));
        Assert.False(pending.IsCompleted);
        var m = ch.Say(a, "wake").Message;
        var d = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([m], d.Messages);
        Assert.Equal(m.Id, d.Cursor);
        Assert.True(d.NeedsCommit);
        ch.Commit(d);
        Assert.True(ch.ListenNow(b).TimedOut);
    }

    [Fact]
    public async Task The_senders_own_broadcast_does_not_wake_its_listen()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        var pending = ch.ListenAsync(a, TimeSpan.FromSeconds(30));
        ch.Say(a, "mine");
        ch.Say(a, "self", to: "alpha");
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        ch.Say(b, "theirs");
        var d = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["theirs"], d.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_second_listen_of_the_same_session_supersedes_the_first()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        var first = ch.ListenAsync(b, TimeSpan.FromMinutes(1));
        var second = ch.ListenAsync(b, TimeSpan.FromMinutes(1));
        var d1 = await first.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(d1.TimedOut);
        Assert.False(second.IsCompleted);
        ch.Say(a, "for the second");
        var d2 = await second.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["for the second"], d2.Messages.Select(m => m.Text));
    }

    [Fact]
    public void Cursor_is_per_callsign_not_per_session()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Say(a, "one");
        Assert.Equal(["one"], ch.Drain(b));
        ch.Leave(b);
        ch.Say(a, "two");
        var b2 = ch.JoinAs("bravo").SessionId;
        Assert.Equal(["two"], ch.Drain(b2));
    }

    [Fact]
    public void Gap_is_reported_when_undelivered_messages_leave_the_ring()
    {
        using var t = new TestHub(o => o.RingCapacity = 3);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        var ms = Enumerable.Range(1, 5).Select(i => ch.Say(a, $"m{i}").Message).ToArray();
        var d = ch.ListenNow(b);
        Assert.Equal(2, d.Missed);
        Assert.Equal(ms[2].Id, d.OldestAvailableId);
        Assert.Equal(["m3", "m4", "m5"], d.Messages.Select(m => m.Text));
        Assert.False(d.TimedOut);
        ch.Commit(d);
        var next = ch.ListenNow(b);
        Assert.Equal(0, next.Missed);
        Assert.True(next.TimedOut);
    }

    [Fact]
    public void Messages_not_for_a_callsign_leaving_the_ring_are_not_a_gap()
    {
        using var t = new TestHub(o => o.RingCapacity = 2);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        ch.JoinAs("charlie");
        ch.Say(a, "c1", to: "charlie");
        ch.Say(a, "c2", to: "charlie");
        ch.Say(b, "own");
        ch.Say(a, "for bravo", to: "bravo");
        var d = ch.ListenNow(b);
        Assert.Equal(0, d.Missed);
        Assert.Equal(["for bravo"], d.Messages.Select(m => m.Text));
    }
    [Fact]
    public void An_abandoned_gap_report_comes_again_and_a_committed_one_does_not()
    {
        using var t = new TestHub(o => o.RingCapacity = 3);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        for (var i = 1; i <= 5; i++) ch.Say(a, $"m{i}");
        var d = ch.ListenNow(b);
        Assert.Equal(2, d.Missed);
        ch.Abandon(d);
        var again = ch.ListenNow(b);
        Assert.Equal(2, again.Missed);
        Assert.Equal(["m3", "m4", "m5"], again.Messages.Select(m => m.Text));
        ch.Commit(again);
        Assert.True(ch.ListenNow(b).TimedOut);
    }

    [Fact]
    public void Messages_evicted_while_leased_count_as_missed_only_if_the_lease_is_abandoned()
    {
        using var t = new TestHub(o => o.RingCapacity = 3);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        var c = ch.JoinAs("charlie").SessionId;
        for (var i = 1; i <= 3; i++) ch.Say(a, $"m{i}");

        // bravo commits its lease after the leased messages left the ring: no gap.
        var db = ch.ListenNow(b);
        // charlie abandons its lease: the three leased messages that left the ring are a gap.
        var dc = ch.ListenNow(c);
        for (var i = 4; i <= 6; i++) ch.Say(a, $"m{i}");
        ch.Commit(db);
        ch.Abandon(dc);

        var nb = ch.ListenNow(b);
        Assert.Equal(0, nb.Missed);
        Assert.Equal(["m4", "m5", "m6"], nb.Messages.Select(m => m.Text));
        var nc = ch.ListenNow(c);
        Assert.Equal(3, nc.Missed);
        Assert.Equal(["m4", "m5", "m6"], nc.Messages.Select(m => m.Text));
    }
}
