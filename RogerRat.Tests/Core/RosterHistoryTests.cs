using RogerRat.Core;

namespace RogerRat.Tests.Core;

public class RosterHistoryTests
{
    [Fact]
    public void Roster_is_sorted_ordinally()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        foreach (var cs in new[] { "zulu", "alpha", "mike", "9lives", "a-b", "a_b" }) ch.JoinAs(cs);
        Assert.Equal(["9lives", "a-b", "a_b", "alpha", "mike", "zulu"], ch.Roster());
    }

    [Fact]
    public void RosterWithIndex_is_join_order_one_based_with_join_time()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        ch.JoinAs("zulu");
        t.Time.Advance(TimeSpan.FromSeconds(1));
        var a = ch.JoinAs("alpha").SessionId;
        t.Time.Advance(TimeSpan.FromSeconds(1));
        ch.JoinAs("mike");
        Assert.Equal(
            [
                new RosterEntry(1, "zulu", TestHub.StartMs),
                new RosterEntry(2, "alpha", TestHub.StartMs + 1000),
                new RosterEntry(3, "mike", TestHub.StartMs + 2000),
            ],
            ch.RosterWithIndex());
        ch.Leave(a);
        Assert.Equal([new RosterEntry(1, "zulu", TestHub.StartMs), new RosterEntry(2, "mike", TestHub.StartMs + 2000)], ch.RosterWithIndex());
        // Coming back appends at the end.
        ch.JoinAs("alpha");
        Assert.Equal(["zulu", "mike", "alpha"], ch.RosterWithIndex().Select(e => e.Callsign));
    }

    [Fact]
    public void RosterAll_includes_offline_historic_callsigns_with_null_idx()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        ch.JoinAs("zulu");
        var a = ch.JoinAs("alpha").SessionId;
        ch.JoinAs("mike");
        ch.Leave(a);
        Assert.Equal(
            [
                new HistoricRosterEntry("alpha", false, null),
                new HistoricRosterEntry("mike", true, 2),
                new HistoricRosterEntry("zulu", true, 1),
            ],
            ch.RosterAll());
    }

    [Fact]
    public void Empty_channel_views()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Assert.Empty(ch.Roster());
        Assert.Empty(ch.RosterWithIndex());
        Assert.Empty(ch.RosterAll());
        Assert.Empty(ch.History(20));
        Assert.Equal(0, ch.AgentCount);
        Assert.False(ch.EverJoined);
        var s = ch.Stats();
        Assert.Equal(new ChannelStats(0, 0, 0, null, TestHub.StartMs), s);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(1, 1)]
    [InlineData(7, 7)]
    [InlineData(100, 100)]
    [InlineData(101, 100)]
    [InlineData(int.MaxValue, 100)]
    public void History_clamps_n_to_1_to_100(int n, int expected)
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        for (var i = 1; i <= 120; i++) ch.Say(a, $"m{i}");
        var h = ch.History(n);
        Assert.Equal(expected, h.Length);
        Assert.Equal("m120", h[^1].Text);
        Assert.Equal($"m{121 - expected}", h[0].Text);
    }

    [Fact]
    public void History_is_oldest_first_includes_dms_and_excludes_status()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        ch.Say(a, "one");
        ch.Say(b, "busy", kind: "status");
        ch.Say(b, "two", to: "alpha");
        ch.Say(a, "busy too", kind: "status");
        ch.Say(a, "three");
        Assert.Equal(["one", "two", "three"], ch.History(100).Select(m => m.Text));
        Assert.Equal(["two", "three"], ch.History(2).Select(m => m.Text));
    }

    [Fact]
    public void Channel_stats_count_agents_callsigns_messages_and_times()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        t.Time.Advance(TimeSpan.FromSeconds(10));
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        ch.JoinAs("charlie");
        ch.Leave(b);
        t.Time.Advance(TimeSpan.FromSeconds(5));
        ch.Say(a, "one");
        ch.Say(a, "two");
        ch.Say(a, "s", kind: "status");
        var s = ch.Stats();
        Assert.Equal(2, s.AgentCount);
        Assert.Equal(3, s.HistoricCallsignsCount);
        Assert.Equal(2, s.MessageCountInBuffer);
        Assert.Equal(TestHub.StartMs + 10_000, s.FirstJoinedAt);
        Assert.Equal(TestHub.StartMs + 15_000, s.LastActivityAt);
        Assert.True(ch.EverJoined);
        Assert.Equal(2, ch.AgentCount);
    }

    [Fact]
    public void First_joined_at_is_kept_after_everyone_leaves()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        t.Time.Advance(TimeSpan.FromSeconds(3));
        ch.Leave(a);
        ch.JoinAs("bravo");
        var s = ch.Stats();
        Assert.Equal(TestHub.StartMs, s.FirstJoinedAt);
        Assert.Equal(TestHub.StartMs + 3000, s.LastActivityAt);
    }

    [Fact]
    public void Hub_stats_count_channels_non_idempotent_joins_and_all_sent_messages()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        t.NewChannel();
        var a = ch.JoinAs("alpha", "alpha-session").SessionId;
        ch.JoinAs("alpha", "alpha-session");   // idempotent
        ch.JoinAs("alpha");                     // adoption
        var b = ch.JoinAs("bravo").SessionId;
        ch.JoinAs("charlie", b);                // rename counts as a join
        ch.Leave(a);
        ch.JoinAs("alpha", "alpha-session");    // re-join after leave counts
        Assert.Throws<HubException>(() => ch.JoinAs("alpha", "rival-session")); // 409 does not count
        ch.Say(a, "one");
        ch.Say(a, "s", kind: "status");
        ch.Send(a, new SendRequest { Text = "k" }, "key");
        ch.Send(a, new SendRequest { Text = "k" }, "key"); // replay does not count
        Assert.Throws<HubException>(() => ch.Say(a, "")); // failed send does not count

        var s = t.Hub.Stats;
        Assert.Equal(2, s.ChannelsCreated);
        Assert.Equal(4, s.JoinsTotal);
        Assert.Equal(3, s.MessagesTotal);
        Assert.Equal(TestHub.StartMs, s.StartedAt);
    }

    [Fact]
    public void Hub_stats_span_channels_and_bands()
    {
        using var t = new TestHub();
        var band = t.Hub.GetChannel("random");
        var s = band.JoinAs("alpha").SessionId;
        band.Say(s, "hi");
        var ch = t.NewChannel();
        ch.Say(ch.JoinAs("bravo").SessionId, "yo");
        Assert.Equal(2, t.Hub.Stats.JoinsTotal);
        Assert.Equal(2, t.Hub.Stats.MessagesTotal);
        Assert.Equal(1, t.Hub.Stats.ChannelsCreated);
    }
}
