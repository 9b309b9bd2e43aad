using RogerRat.Core;

namespace RogerRat.Tests.Core;

public class SessionLifecycleTests
{
    private const string NotJoinedMessage = "not joined to channel; call /join with {callsign, token} first";
    private const string ExpiredMessage = "session expired; call /join with the same callsign+token to refresh (session_id is reusable)";

    private static void AssertNotJoined(HubError e)
    {
        Kit.AssertError(e, 400, "not_joined", NotJoinedMessage);
        Assert.Contains("POST /join", e.Hint, StringComparison.Ordinal);
        Assert.Contains("X-Session-Id", e.Hint, StringComparison.Ordinal);
    }

    private static void AssertExpired(HubError e)
    {
        Kit.AssertError(e, 410, "session_expired", ExpiredMessage);
        Assert.Contains("same callsign", e.Hint, StringComparison.Ordinal);
        Assert.Contains("same session_id", e.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_session_is_not_joined_with_hint_on_every_session_call()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        AssertNotJoined(Kit.Fails(() => ch.Keepalive("nobody-here")));
        AssertNotJoined(Kit.Fails(() => ch.Say("nobody-here", "hi")));
        AssertNotJoined(Kit.Fails(() => ch.ListenAsync("nobody-here", TimeSpan.Zero)));
    }

    [Fact]
    public void Left_session_is_expired_with_hint()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var s = ch.JoinAs("alpha").SessionId;
        ch.Leave(s);
        AssertExpired(Kit.Fails(() => ch.Keepalive(s)));
        AssertExpired(Kit.Fails(() => ch.Say(s, "hi")));
        AssertExpired(Kit.Fails(() => ch.ListenAsync(s, TimeSpan.Zero)));
    }

    [Fact]
    public void Session_from_another_channel_is_not_joined_here()
    {
        using var t = new TestHub();
        var c1 = t.NewChannel();
        var c2 = t.NewChannel();
        var s = c1.JoinAs("alpha").SessionId;
        c1.Leave(s);
        AssertNotJoined(Kit.Fails(() => c2.Keepalive(s)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_session_id_is_400(string? sid)
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        const string msg = "X-Session-Id header required (returned by /join)";
        Kit.AssertError(Kit.Fails(() => ch.Say(sid!, "hi")), 400, "invalid", msg);
        Kit.AssertError(Kit.Fails(() => ch.ListenAsync(sid, TimeSpan.Zero)), 400, "invalid", msg);
        Kit.AssertError(Kit.Fails(() => ch.Leave(sid)), 400, "invalid", msg);
    }

    [Fact]
    public void Keepalive_without_session_id_uses_the_keepalive_text()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Kit.AssertError(Kit.Fails(() => ch.Keepalive(null)), 400, "invalid", "X-Session-Id header required");
    }

    [Fact]
    public void Idle_session_is_evicted_by_gc_and_then_expired()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 120 });
        var s = ch.JoinAs("alpha").SessionId;
        t.Advance(TimeSpan.FromSeconds(120));
        ch.Keepalive(s); // GC at 60 s and 120 s: idle not over TTL yet; this refreshes
        t.Advance(TimeSpan.FromSeconds(180)); // GC at 180 s: idle 60; 240: 120 (not over); 300: 180 > 120
        AssertExpired(Kit.Fails(() => ch.Keepalive(s)));
        Assert.Empty(ch.Roster());
        Assert.Contains(new HistoricRosterEntry("alpha", false, null), ch.RosterAll());
    }

    [Fact]
    public void Eviction_happens_only_after_ttl_plus_up_to_one_gc_interval()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 90 });
        var s = ch.JoinAs("alpha").SessionId;
        t.Advance(TimeSpan.FromSeconds(119)); // GC at 60 s only
        Assert.Equal(["alpha"], ch.Roster());
        t.Advance(TimeSpan.FromSeconds(1)); // GC at 120 s: idle 120 > 90
        Assert.Empty(ch.Roster());
        AssertExpired(Kit.Fails(() => ch.Keepalive(s)));
    }

    [Fact]
    public void Callsign_is_free_after_gc_eviction_and_keeps_its_cursor()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 60 });
        var a = ch.JoinAs("alpha", "alpha-session-1").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        ch.Say(b, "before");
        Assert.Equal(["before"], ch.Drain(a));
        t.Advance(TimeSpan.FromSeconds(100));
        b = ch.JoinAs("bravo").SessionId; // evicted at 120 s too, unless refreshed
        t.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(["bravo"], ch.Roster());
        ch.Say(b, "while away");
        var back = ch.JoinAs("alpha", "alpha-session-2");
        Assert.False(back.Idempotent);
        Assert.Equal(["while away"], ch.Drain(back.SessionId));
        AssertExpired(Kit.Fails(() => ch.Keepalive(a)));
    }

    [Fact]
    public void Tombstone_is_purged_after_one_hour()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel();
        var s = ch.JoinAs("alpha").SessionId;
        ch.Leave(s);
        t.Advance(TimeSpan.FromMinutes(59));
        AssertExpired(Kit.Fails(() => ch.Keepalive(s)));
        t.Advance(TimeSpan.FromMinutes(2));
        AssertNotJoined(Kit.Fails(() => ch.Keepalive(s)));
    }

    [Fact]
    public void Tombstone_of_a_gc_eviction_is_purged_an_hour_after_the_eviction()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 30 });
        var s = ch.JoinAs("alpha").SessionId;
        t.Advance(TimeSpan.FromSeconds(60)); // evicted by the GC at 60 s
        AssertExpired(Kit.Fails(() => ch.Keepalive(s)));
        t.Advance(TimeSpan.FromMinutes(59));
        AssertExpired(Kit.Fails(() => ch.Keepalive(s)));
        t.Advance(TimeSpan.FromMinutes(2));
        AssertNotJoined(Kit.Fails(() => ch.Keepalive(s)));
    }

    [Fact]
    public void A_second_leave_gets_its_own_hour()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel();
        const string sid = "reused-session";
        ch.JoinAs("alpha", sid);
        ch.Leave(sid);
        t.Advance(TimeSpan.FromMinutes(30));
        ch.JoinAs("alpha", sid);
        ch.Leave(sid);
        t.Advance(TimeSpan.FromMinutes(31)); // the first tombstone's hour is over, not the second's
        AssertExpired(Kit.Fails(() => ch.Keepalive(sid)));
        t.Advance(TimeSpan.FromMinutes(31));
        AssertNotJoined(Kit.Fails(() => ch.Keepalive(sid)));
    }

    [Fact]
    public void Tombstone_cap_drops_the_oldest()
    {
        using var t = new TestHub(o => o.MaxTombstonesPerChannel = 2);
        var ch = t.NewChannel();
        var ids = new[] { "session-1", "session-2", "session-3" };
        foreach (var id in ids)
        {
            ch.JoinAs("alpha", id);
            ch.Leave(id);
        }
        AssertNotJoined(Kit.Fails(() => ch.Keepalive("session-1")));
        AssertExpired(Kit.Fails(() => ch.Keepalive("session-2")));
        AssertExpired(Kit.Fails(() => ch.Keepalive("session-3")));
    }

    [Fact]
    public async Task A_session_with_a_parked_listen_is_not_evicted()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 30 });
        var a = ch.JoinAs("alpha").SessionId;
        var idle = ch.JoinAs("idle").SessionId;
        var listen = ch.ListenAsync(a, TimeSpan.FromHours(2));
        Assert.False(listen.IsCompleted);
        t.Advance(TimeSpan.FromMinutes(5));
        Assert.False(listen.IsCompleted);
        Assert.Equal(["alpha"], ch.Roster());
        AssertExpired(Kit.Fails(() => ch.Keepalive(idle)));

        var b = ch.JoinAs("bravo").SessionId;
        ch.Say(b, "wake up");
        var d = await listen.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["wake up"], d.Messages.Select(m => m.Text));
        ch.Commit(d);
        ch.Keepalive(a);
    }

    [Fact]
    public async Task Once_the_listen_returns_the_idle_clock_applies_again()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 30 });
        var a = ch.JoinAs("alpha").SessionId;
        var listen = ch.ListenAsync(a, TimeSpan.FromSeconds(100));
        t.Advance(TimeSpan.FromSeconds(100)); // the listen times out at 100 s (GC at 60 s skipped it)
        var d = await listen.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(d.TimedOut);
        Assert.Equal(["alpha"], ch.Roster());
        t.Advance(TimeSpan.FromSeconds(80)); // the wake refreshed it at 100 s: GC at 120 s sees idle 20 s, at 180 s idle 80 s
        Assert.Empty(ch.Roster());
    }

    [Fact]
    public async Task Leave_wakes_a_parked_listen_empty()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var listen = ch.ListenAsync(a, TimeSpan.FromMinutes(1));
        Assert.False(listen.IsCompleted);
        ch.Leave(a);
        var d = await listen.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(d.TimedOut);
        Assert.Empty(d.Messages);
    }

    [Fact]
    public void Keepalive_refreshes_the_ttl()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 60 });
        var kept = ch.JoinAs("kept").SessionId;
        var dropped = ch.JoinAs("dropped").SessionId;
        for (var i = 0; i < 10; i++)
        {
            t.Advance(TimeSpan.FromSeconds(45));
            ch.Keepalive(kept);
        }
        Assert.Equal(["kept"], ch.Roster());
        AssertExpired(Kit.Fails(() => ch.Keepalive(dropped)));
    }

    [Fact]
    public void Send_and_listen_refresh_the_ttl()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 60 });
        var sender = ch.JoinAs("sender").SessionId;
        var listener = ch.JoinAs("listener").SessionId;
        for (var i = 0; i < 10; i++)
        {
            t.Advance(TimeSpan.FromSeconds(45));
            ch.Say(sender, $"tick {i}");
            ch.Commit(ch.ListenNow(listener));
        }
        Assert.Equal(["listener", "sender"], ch.Roster());
    }

    [Fact]
    public void Read_only_views_do_not_refresh_the_ttl()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 60 });
        var s = ch.JoinAs("alpha").SessionId;
        for (var i = 0; i < 6; i++)
        {
            t.Advance(TimeSpan.FromSeconds(30));
            _ = ch.Roster();
            _ = ch.RosterAll();
            _ = ch.History(20);
            _ = ch.Stats();
        }
        AssertExpired(Kit.Fails(() => ch.Keepalive(s)));
    }

    [Fact]
    public void CollectGarbage_reports_evictions_and_hub_disposal_stops_the_timer()
    {
        using var t = new TestHub(gc: false);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 10 });
        ch.JoinAs("alpha");
        ch.JoinAs("bravo");
        t.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(["alpha", "bravo"], ch.Roster()); // no timer
        Assert.Equal(2, t.Hub.CollectGarbage());
        Assert.Empty(ch.Roster());
        Assert.Equal(0, t.Hub.CollectGarbage());
    }
}
