using RogerRat.Core;

namespace RogerRat.Tests.Core;

public class JoinTests
{
    private static string TakenMessage(string cs) =>
        $"callsign \"{cs}\" is already in use on this channel; pick a different one or have the current holder leave first";

    [Fact]
    public void Fresh_join_mints_a_uuid_session()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var r = ch.JoinAs("alpha");
        Assert.True(Guid.TryParse(r.SessionId, out var g));
        Assert.Equal(4, g.Version);
        Assert.False(r.Idempotent);
        Assert.Equal(["alpha"], r.Roster);
        Assert.Empty(r.History);
        Assert.Null(r.IdentityKey);
    }

    [Fact]
    public void Client_session_id_of_eight_chars_or_more_becomes_the_session_id()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Assert.Equal("12345678", ch.JoinAs("alpha", "12345678").SessionId);
        var longest = new string('x', 128);
        Assert.Equal(longest, ch.JoinAs("bravo", longest).SessionId);
    }

    [Fact]
    public void Same_session_same_callsign_is_idempotent()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var first = ch.JoinAs("alpha", "sess-0001");
        var again = ch.JoinAs("Alpha ", "sess-0001");
        Assert.Equal(first.SessionId, again.SessionId);
        Assert.True(again.Idempotent);
        Assert.Equal(["alpha"], again.Roster);
        Assert.Single(ch.RosterWithIndex());
    }

    [Fact]
    public void Join_without_session_id_adopts_the_live_holder()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var first = ch.JoinAs("alpha", "holder-session");
        var adopted = ch.JoinAs("alpha");
        Assert.Equal("holder-session", adopted.SessionId);
        Assert.True(adopted.Idempotent);

        var minted = ch.JoinAs("bravo");
        Assert.Equal(minted.SessionId, ch.JoinAs("bravo").SessionId);
        Assert.Equal(first.SessionId, ch.JoinAs("ALPHA").SessionId);
        Assert.Equal(2, ch.AgentCount);
    }

    [Fact]
    public void Adoption_refreshes_the_holders_ttl()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 60 });
        var s = ch.JoinAs("alpha").SessionId;
        var control = ch.JoinAs("bravo").SessionId;
        t.Advance(TimeSpan.FromSeconds(70)); // GC at 60 s: idle exactly 60 s is not over the TTL
        Assert.Equal(s, ch.JoinAs("alpha").SessionId);
        t.Advance(TimeSpan.FromSeconds(50)); // GC at 120 s: alpha idle 50 s, bravo idle 120 s
        ch.Keepalive(s);
        Assert.Equal(HubErrorReason.SessionExpired, Kit.Fails(() => ch.Keepalive(control)).Reason);
    }

    [Fact]
    public void Different_client_session_id_gets_409()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        ch.JoinAs("alpha", "holder-session");
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("ALPHA", "rival-session")), 409, "callsign_taken", TakenMessage("alpha"));
        Assert.Equal(["alpha"], ch.Roster());
        Assert.Equal(1, ch.AgentCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567")]
    [InlineData("short")]
    [InlineData("é")]
    public void Client_session_id_under_eight_chars_is_ignored(string shortId)
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var first = ch.JoinAs("alpha", "holder-session");
        // Treated as absent: adoption, not 409.
        var adopted = ch.JoinAs("alpha", shortId);
        Assert.Equal(first.SessionId, adopted.SessionId);
        Assert.True(adopted.Idempotent);
        // And a fresh callsign gets a minted id, not the short one.
        var fresh = ch.JoinAs("bravo", shortId);
        Assert.NotEqual(shortId, fresh.SessionId);
        Assert.True(Guid.TryParse(fresh.SessionId, out _));
    }

    [Theory]
    [InlineData("sessión-id")]
    [InlineData("session id with spaces")]
    [InlineData("session\tid")]
    [InlineData("        ")]
    [InlineData("12345678\n")]
    public void Invalid_client_session_id_is_400(string id)
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("alpha", id)), 400, "invalid", "X-Session-Id must be 8-128 visible ASCII characters");
        Assert.Empty(ch.Roster());
    }

    [Fact]
    public void Client_session_id_over_128_chars_is_400()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("alpha", new string('x', 129))), 400, "invalid",
            "X-Session-Id must be 8-128 visible ASCII characters");
    }

    [Fact]
    public void Rename_releases_the_old_callsign_which_keeps_its_cursor()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha", "session-a1").SessionId;
        var b = ch.JoinAs("bravo", "session-b1").SessionId;
        ch.Say(b, "one");
        ch.Say(b, "two");
        Assert.Equal(["one", "two"], ch.Drain(a));

        var renamed = ch.JoinAs("charlie", a);
        Assert.Equal(a, renamed.SessionId);
        Assert.False(renamed.Idempotent);
        Assert.Equal(["bravo", "charlie"], ch.Roster());
        Assert.Equal(2, ch.AgentCount);
        Assert.Contains(new HistoricRosterEntry("alpha", false, null), ch.RosterAll());

        ch.Say(b, "three");
        // charlie is new: its cursor starts at 0 and it hears everything buffered.
        Assert.Equal(["one", "two", "three"], ch.Drain(a));
        // alpha comes back under another session and resumes after its old cursor.
        var a2 = ch.JoinAs("alpha", "session-a2").SessionId;
        Assert.Equal(["three"], ch.Drain(a2));
    }

    [Fact]
    public void Rename_frees_the_old_callsign_for_others()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha", "session-a1").SessionId;
        ch.JoinAs("charlie", a);
        var other = ch.JoinAs("alpha", "session-z9");
        Assert.Equal("session-z9", other.SessionId);
        Assert.False(other.Idempotent);
    }

    [Fact]
    public void Rejoin_after_leave_with_the_same_session_id_clears_the_tombstone()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        const string sid = "my-session-01";
        ch.JoinAs("alpha", sid);
        Assert.True(ch.Leave(sid));
        Assert.Equal(HubErrorReason.SessionExpired, Kit.Fails(() => ch.Keepalive(sid)).Reason);

        var back = ch.JoinAs("alpha", sid);
        Assert.Equal(sid, back.SessionId);
        Assert.False(back.Idempotent);
        ch.Keepalive(sid);
        ch.Say(sid, "hello");
        Assert.Equal(["alpha"], ch.Roster());
    }

    [Fact]
    public void Rejoin_after_leave_without_session_id_mints_a_new_one()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var first = ch.JoinAs("alpha").SessionId;
        ch.Leave(first);
        var second = ch.JoinAs("alpha").SessionId;
        Assert.NotEqual(first, second);
        Assert.Equal(HubErrorReason.SessionExpired, Kit.Fails(() => ch.Keepalive(first)).Reason);
    }

    [Fact]
    public void Session_cap_is_503()
    {
        using var t = new TestHub(o => o.MaxSessionsPerChannel = 2);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        ch.JoinAs("bravo");
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("charlie")), 503, "capacity_exceeded",
            "this channel holds the most agents it may; try again later");
        // An existing session may still re-join or rename, and a freed slot can be reused.
        Assert.True(ch.JoinAs("alpha").Idempotent);
        ch.JoinAs("delta", a);
        ch.Leave(a);
        ch.JoinAs("charlie");
        Assert.Equal(["bravo", "charlie"], ch.Roster());
    }

    [Fact]
    public void Callsign_cap_is_503()
    {
        using var t = new TestHub(o => o.MaxCallsignsPerChannel = 2);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        ch.JoinAs("bravo");
        ch.Leave(a);
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("charlie")), 503, "capacity_exceeded",
            "this channel remembers the most callsigns it may; try again later");
        // A remembered callsign can still come back.
        ch.JoinAs("alpha");
        Assert.Equal(["alpha", "bravo"], ch.Roster());
    }

    [Fact]
    public void Join_returns_the_last_JoinHistoryCount_messages()
    {
        using var t = new TestHub(o => o.JoinHistoryCount = 3);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        for (var i = 1; i <= 5; i++) ch.Say(a, $"m{i}");
        var r = ch.JoinAs("bravo");
        Assert.Equal(["m3", "m4", "m5"], r.History.Select(m => m.Text));
        Assert.Equal(["m3", "m4", "m5"], ch.JoinAs("bravo").History.Select(m => m.Text));
    }

    [Fact]
    public void Join_history_defaults_to_twenty()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        for (var i = 1; i <= 25; i++) ch.Say(a, $"m{i}");
        var h = ch.JoinAs("bravo").History;
        Assert.Equal(20, h.Length);
        Assert.Equal("m6", h[0].Text);
        Assert.Equal("m25", h[^1].Text);
    }

    [Fact]
    public void Join_history_count_zero_returns_no_history()
    {
        using var t = new TestHub(o => o.JoinHistoryCount = 0);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        ch.Say(a, "m1");
        Assert.Empty(ch.JoinAs("bravo").History);
    }

    [Fact]
    public void Join_history_includes_dms_between_others()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        ch.JoinAs("bravo");
        ch.Say(a, "psst", to: "bravo");
        var h = ch.JoinAs("charlie").History;
        var m = Assert.Single(h);
        Assert.Equal("bravo", m.To);
    }

    [Fact]
    public void Leave_is_always_ok_and_reports_whether_the_session_was_joined()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        Assert.True(ch.Leave(a));
        Assert.False(ch.Leave(a));
        Assert.False(ch.Leave("never-joined-session"));
        Assert.Empty(ch.Roster());
        Assert.Equal(0, ch.AgentCount);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Leave_without_session_id_is_400(string? sid)
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Kit.AssertError(Kit.Fails(() => ch.Leave(sid)), 400, "invalid", "X-Session-Id header required (returned by /join)");
    }

    [Fact]
    public void Same_session_id_may_join_several_channels()
    {
        using var t = new TestHub();
        var c1 = t.NewChannel();
        var c2 = t.NewChannel();
        Assert.Equal("shared-session", c1.JoinAs("alpha", "shared-session").SessionId);
        Assert.Equal("shared-session", c2.JoinAs("bravo", "shared-session").SessionId);
        c1.Leave("shared-session");
        c2.Keepalive("shared-session");
    }

    [Fact]
    public void Bands_accept_joins()
    {
        using var t = new TestHub();
        var general = t.Hub.GetChannel("general");
        var r = general.JoinAs("wanderer");
        Assert.Equal(["wanderer"], general.Roster());
        general.Say(r.SessionId, "hi all");
    }
}
