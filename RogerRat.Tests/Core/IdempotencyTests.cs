using RogerRat.Core;

namespace RogerRat.Tests.Core;

public class IdempotencyTests
{
    private static SendResult Send(Channel ch, string sid, string text, string key, string? to = null) =>
        ch.Send(sid, new SendRequest { Text = text, To = to }, key);

    [Fact]
    public void Same_key_same_sender_within_ten_minutes_replays()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        var first = Send(ch, a, "hello", "key-1");
        Assert.False(first.Replayed);
        t.Time.Advance(TimeSpan.FromMinutes(9) + TimeSpan.FromSeconds(59));
        var again = Send(ch, a, "hello", "key-1");
        Assert.True(again.Replayed);
        Assert.Equal(first.Message.Id, again.Message.Id);
        Assert.Same(first.Message, again.Message);
        Assert.Single(ch.History(100));
        Assert.Equal(["hello"], ch.Drain(b));
        Assert.Equal(1, t.Hub.Stats.MessagesTotal);
    }

    public static TheoryData<string, SendRequest> DifferentRequests => new()
    {
        { "text", new SendRequest { Text = "hello!" } },
        { "to", new SendRequest { Text = "hello", To = "bravo" } },
        { "kind", new SendRequest { Text = "hello", Kind = "status" } },
        { "priority", new SendRequest { Text = "hello", Priority = "urgent" } },
        { "suggested replies", new SendRequest { Text = "hello", SuggestedReplies = ["yes", "no"] } },
        { "attachments", new SendRequest { Text = "hello", Attachments = [new AttachmentInput("image/png", "aGk=", null)] } },
    };

    [Theory]
    [MemberData(nameof(DifferentRequests))]
    public void Same_key_with_a_different_message_is_refused(string differs, SendRequest request)
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        var first = ch.Send(a, new SendRequest { Text = "hello", SuggestedReplies = ["yes"] }, "key-1");
        var error = Kit.Fails(() => ch.Send(a, request, "key-1"));
        Assert.True(error.Reason == HubErrorReason.IdempotencyKeyReused, differs);
        Assert.Equal(HubErrors.IdempotencyKeyReused, error.Code);
        Assert.Same(HubErrors.IdempotencyKeyReusedError, error);
        // Nothing new was stored, and the first message still replays.
        Assert.Single(ch.History(100));
        Assert.Equal(["hello"], ch.Drain(b));
        var again = ch.Send(a, new SendRequest { Text = "hello", SuggestedReplies = ["yes"] }, "key-1");
        Assert.True(again.Replayed);
        Assert.Same(first.Message, again.Message);
    }

    [Fact]
    public void Same_request_spelled_alike_replays()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        ch.JoinAs("bravo");
        var first = ch.Send(a, new SendRequest { Text = "hi", To = "bravo", Priority = "high", SuggestedReplies = ["ok"],
            Attachments = [new AttachmentInput("image/png", "aGk=", "a.png")] }, "key-1");
        // The recipient as the address resolver reads it: spacing and case do not make a new message.
        var again = ch.Send(a, new SendRequest { Text = "hi", To = " Bravo ", Priority = "high", SuggestedReplies = ["ok"],
            Attachments = [new AttachmentInput("image/png", "aGk=", "a.png")] }, "key-1");
        Assert.True(again.Replayed);
        Assert.Same(first.Message, again.Message);
        Kit.Fails(() => ch.Send(a, new SendRequest { Text = "hi", To = "bravo", Priority = "high", SuggestedReplies = ["ok"],
            Attachments = [new AttachmentInput("image/png", "aGk=", "b.png")] }, "key-1"));
    }

    [Fact]
    public async Task Async_send_replays_and_refuses_like_the_sync_one()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var first = await ch.SendAsync(a, ch.Prepare(new SendRequest { Text = "once" }), "key-1");
        Assert.True((await ch.SendAsync(a, ch.Prepare(new SendRequest { Text = "once" }), "key-1")).Replayed);
        var error = await Assert.ThrowsAsync<HubException>(async () => await ch.SendAsync(a, ch.Prepare(new SendRequest { Text = "twice" }), "key-1"));
        Assert.Equal(HubErrorReason.IdempotencyKeyReused, error.Error.Reason);
        Assert.Equal(first.Message.Id, ch.History(1)[0].Id);
    }

    [Fact]
    public void Replay_keeps_the_first_queued_flag()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        ch.Leave(b);
        var first = Send(ch, a, "later", "k-queued", to: "bravo");
        Assert.True(first.Queued);
        ch.JoinAs("bravo");
        var again = Send(ch, a, "later", "k-queued", to: "bravo");
        Assert.True(again.Replayed);
        Assert.True(again.Queued);
    }

    [Fact]
    public void After_ten_minutes_the_key_sends_anew()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var first = Send(ch, a, "hello", "key-1");
        t.Time.Advance(TimeSpan.FromMinutes(10));
        var second = Send(ch, a, "hello", "key-1");
        Assert.False(second.Replayed);
        Assert.NotEqual(first.Message.Id, second.Message.Id);
        Assert.Equal(2, ch.History(100).Length);
        // The new send starts a new ten minutes.
        t.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(second.Message.Id, Send(ch, a, "hello", "key-1").Message.Id);
    }

    [Fact]
    public void Expiry_holds_with_the_gc_running()
    {
        using var t = new TestHub(gc: true);
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = 86400 });
        var a = ch.JoinAs("alpha").SessionId;
        var first = Send(ch, a, "hello", "key-1");
        t.Advance(TimeSpan.FromMinutes(12));
        Assert.False(Send(ch, a, "hello", "key-1").Replayed);
        Assert.NotEqual(first.Message.Id, ch.History(1)[0].Id);
    }

    [Fact]
    public void Different_senders_with_the_same_key_are_independent()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        var fromA = Send(ch, a, "from alpha", "shared-key");
        var fromB = Send(ch, b, "from bravo", "shared-key");
        Assert.False(fromB.Replayed);
        Assert.NotEqual(fromA.Message.Id, fromB.Message.Id);
        Assert.Equal("bravo", fromB.Message.From);
        Assert.Equal(2, ch.History(100).Length);
    }

    [Fact]
    public void Different_keys_are_independent_and_no_key_never_replays()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        Send(ch, a, "x", "key-1");
        Assert.False(Send(ch, a, "x", "key-2").Replayed);
        Assert.False(ch.Say(a, "x").Replayed);
        Assert.False(ch.Say(a, "x").Replayed);
        Assert.Equal(4, ch.History(100).Length);
    }

    [Fact]
    public void Key_belongs_to_the_callsign_across_sessions()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var first = Send(ch, a, "x", "key-1");
        ch.Leave(a);
        var a2 = ch.JoinAs("alpha").SessionId;
        Assert.True(Send(ch, a2, "x", "key-1").Replayed);
        Assert.Equal(first.Message.Id, ch.History(1)[0].Id);
    }

    [Fact]
    public void A_failed_send_is_not_remembered()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        Assert.Throws<HubException>(() => Send(ch, a, "", "key-1"));
        var ok = Send(ch, a, "now with text", "key-1");
        Assert.False(ok.Replayed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\there")]
    [InlineData("nl\n")]
    [InlineData("nul\0")]
    [InlineData("del\u007f")]
    [InlineData("clé")]
    public void Invalid_key_is_400(string key)
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        Kit.AssertError(Kit.Fails(() => Send(ch, a, "x", key)), 400, "invalid", "Idempotency-Key must be 1-256 visible ASCII characters");
        Assert.Empty(ch.History(100));
    }

    [Fact]
    public void Key_length_limit_is_256()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        Kit.AssertError(Kit.Fails(() => Send(ch, a, "x", new string('k', 257))), 400, "invalid",
            "Idempotency-Key must be 1-256 visible ASCII characters");
        Assert.False(Send(ch, a, "x", new string('k', 256)).Replayed);
        Assert.False(Send(ch, a, "x", "!~").Replayed);
    }

    [Fact]
    public void Invalid_key_is_reported_before_the_session_check()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Assert.StartsWith("Idempotency-Key", Kit.Fails(() => Send(ch, "nobody-here", "x", "")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cache_is_bounded_and_drops_the_oldest()
    {
        using var t = new TestHub(o => o.MaxIdempotencyKeysPerChannel = 2);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        Send(ch, a, "1", "k1");
        Send(ch, a, "2", "k2");
        Send(ch, a, "3", "k3");
        Assert.False(Send(ch, a, "1", "k1").Replayed);
        Assert.True(Send(ch, a, "3", "k3").Replayed);
    }
}
