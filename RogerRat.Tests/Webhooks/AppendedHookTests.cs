using RogerRat.Core;
using RogerRat.Tests.Core;

namespace RogerRat.Tests.Webhooks;

/// <summary>The engine's one hook for webhooks: <see cref="Channel.OnAppended"/> hears each stored message once.</summary>
public class AppendedHookTests
{
    [Fact]
    public void Hears_stored_messages_once_and_no_status_signals_nor_replays()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alice").SessionId;
        ch.JoinAs("bob");
        var heard = new List<ChannelMessage>();
        ch.OnAppended(heard.Add);

        var dm = ch.Say(a, "to bob", to: "bob");
        ch.Say(a, "typing", kind: "status");
        var first = ch.Send(a, new SendRequest { Text = "once" }, "key-1");
        var replay = ch.Send(a, new SendRequest { Text = "once" }, "key-1");
        Assert.True(replay.Replayed);

        Assert.Equal([dm.Message, first.Message], heard);

        ch.OnAppended(null);
        ch.Say(a, "unheard");
        Assert.Equal(2, heard.Count);
    }
}
