using RogerRat.Core;

namespace RogerRat.Tests.Core;

public class MessageTests
{
    [Fact]
    public void Ids_strictly_increase_while_the_clock_stands_still_and_at_is_the_clock()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var ms = Enumerable.Range(0, 50).Select(i => ch.Say(a, $"m{i}").Message).ToArray();
        Assert.Equal(TestHub.StartMs, ms[0].Id);
        for (var i = 0; i < ms.Length; i++)
        {
            Assert.Equal(TestHub.StartMs + i, ms[i].Id);
            Assert.Equal(TestHub.StartMs, ms[i].At);
        }
    }

    [Fact]
    public void Ids_follow_the_clock_once_it_overtakes_them()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        for (var i = 0; i < 5; i++) ch.Say(a, "burst");
        t.Time.Advance(TimeSpan.FromMilliseconds(2));
        var ahead = ch.Say(a, "still ahead").Message; // previous id = start + 4, clock = start + 2
        Assert.Equal(TestHub.StartMs + 5, ahead.Id);
        Assert.Equal(TestHub.StartMs + 2, ahead.At);
        t.Time.Advance(TimeSpan.FromSeconds(1));
        var m = ch.Say(a, "later").Message;
        Assert.Equal(t.NowMs, m.Id);
        Assert.Equal(t.NowMs, m.At);
    }

    [Fact]
    public void Status_consumes_an_id()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var m1 = ch.Say(a, "one").Message;
        var s = ch.Say(a, "busy", kind: "status").Message;
        var m2 = ch.Say(a, "two").Message;
        Assert.True(m1.Id < s.Id && s.Id < m2.Id);
    }

    [Fact]
    public void Ids_are_per_channel()
    {
        using var t = new TestHub();
        var c1 = t.NewChannel();
        var c2 = t.NewChannel();
        var a = c1.JoinAs("alpha").SessionId;
        var b = c2.JoinAs("alpha").SessionId;
        Assert.Equal(c1.Say(a, "x").Message.Id, c2.Say(b, "y").Message.Id);
    }

    [Fact]
    public void Message_fields()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("Alpha").SessionId;
        ch.JoinAs("bravo");
        var m = ch.Send(a, new SendRequest { Text = "hello", To = "#2", Priority = "high", SuggestedReplies = ["ok"] }).Message;
        Assert.Equal("alpha", m.From);
        Assert.Equal("bravo", m.To);
        Assert.Equal("hello", m.Text);
        Assert.Equal(MessageKind.Message, m.Kind);
        Assert.Equal(MessagePriority.High, m.Priority);
        Assert.Equal(["ok"], m.SuggestedReplies!);
        Assert.Null(m.Attachments);
        Assert.False(m.IsBroadcast);
        Assert.True(m.IsFor("bravo"));
        Assert.False(m.IsFor("alpha"));
        Assert.False(m.IsFor("charlie"));
    }

    [Fact]
    public void A_sender_never_receives_its_own_broadcast()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        ch.Say(a, "from alpha");
        ch.Say(b, "from bravo");
        Assert.Equal(["from bravo"], ch.Drain(a));
        Assert.Equal(["from alpha"], ch.Drain(b));
    }

    [Fact]
    public void A_self_dm_is_stored_but_never_delivered()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        var m = ch.Say(a, "note to self", to: "alpha").Message;
        Assert.Equal("alpha", m.To);
        Assert.False(ch.Say(a, "again", to: "#1").Queued);
        Assert.True(ch.ListenNow(a).TimedOut);
        Assert.True(ch.ListenNow(b).TimedOut);
        Assert.Equal(["note to self", "again"], ch.History(10).Select(x => x.Text));
    }

    [Fact]
    public void Dms_reach_only_their_addressee()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        var c = ch.JoinAs("charlie").SessionId;
        ch.Say(a, "for bravo", to: "bravo");
        ch.Say(a, "for all");
        Assert.Equal(["for bravo", "for all"], ch.Drain(b));
        Assert.Equal(["for all"], ch.Drain(c));
    }

    [Fact]
    public void Broadcasts_sent_before_a_callsign_first_joined_are_delivered_to_it()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        ch.Say(a, "early");
        var late = ch.JoinAs("late").SessionId;
        Assert.Equal(["early"], ch.Drain(late));
    }

    [Fact]
    public void Status_messages_are_not_stored()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        ch.Say(a, "kept");
        var s = ch.Say(a, "working on it", kind: "status");
        Assert.Equal(MessageKind.Status, s.Message.Kind);
        Assert.False(s.Queued);
        Assert.Equal(["kept"], ch.History(100).Select(m => m.Text));
        Assert.Equal(1, ch.Stats().MessageCountInBuffer);
        // Nobody was parked, so nobody ever gets it.
        Assert.Equal(["kept"], ch.Drain(b));
        Assert.Equal(["kept"], ch.JoinAs("charlie").History.Select(m => m.Text));
    }

    [Fact]
    public async Task Status_reaches_a_parked_listener_only()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        var c = ch.JoinAs("charlie").SessionId;
        var parked = ch.ListenAsync(b, TimeSpan.FromMinutes(1));
        Assert.False(parked.IsCompleted);
        var s = ch.Say(a, "busy", kind: "status").Message;
        var d = await parked.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var got = Assert.Single(d.Messages);
        Assert.Same(s, got);
        ch.Commit(d);
        Assert.True(ch.ListenNow(b).TimedOut);
        Assert.True(ch.ListenNow(c).TimedOut);
    }

    [Fact]
    public void Ring_keeps_the_last_RingCapacity_messages()
    {
        using var t = new TestHub(o => o.RingCapacity = 5);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        for (var i = 1; i <= 8; i++) ch.Say(a, $"m{i}");
        Assert.Equal(["m4", "m5", "m6", "m7", "m8"], ch.History(100).Select(m => m.Text));
        Assert.Equal(5, ch.Stats().MessageCountInBuffer);
    }
}
