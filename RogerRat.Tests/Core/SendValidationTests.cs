using RogerRat.Core;

namespace RogerRat.Tests.Core;

public class SendValidationTests
{
    private const string KindTail = "; must be 'message' (or omitted) or 'status' (ephemeral working-on-it signal)";
    private const string OmitKindHint = ". To send a normal message, omit kind and put the text in \"message\".";

    private static (TestHub T, Channel Ch, string A, string B) Setup(Action<HubOptions>? configure = null)
    {
        var t = new TestHub(configure);
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        return (t, ch, a, b);
    }

    private static string UnknownMessage(string to, string roster) =>
        $"no callsign \"{to}\" has ever been on this channel (roster: {roster}). Send to a callsign, #N from the roster, or \"all\"; DMs to callsigns that were here before are allowed.";

    private static AttachmentInput Png(string data = "iVBORw0KGgo=", string? filename = null) => new("image/png", data, filename);

    private static SendResult SendWith(Channel ch, string sid, string text = "hi", IReadOnlyList<string>? replies = null,
        IReadOnlyList<AttachmentInput>? attachments = null, string? kind = null, string? to = null) =>
        ch.Send(sid, new SendRequest { Text = text, SuggestedReplies = replies, Attachments = attachments, Kind = kind, To = to });

    // ---- priority and kind ----

    [Theory]
    [InlineData("HIGH")]
    [InlineData("")]
    [InlineData("critical")]
    [InlineData(" high")]
    public void Invalid_priority(string priority)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => ch.Send(a, new SendRequest { Text = "x", Priority = priority })), 400, "invalid",
            "invalid priority; must be one of min|low|default|high|urgent");
    }

    [Theory]
    [InlineData(null, MessagePriority.Default)]
    [InlineData("default", MessagePriority.Default)]
    [InlineData("min", MessagePriority.Min)]
    [InlineData("low", MessagePriority.Low)]
    [InlineData("high", MessagePriority.High)]
    [InlineData("urgent", MessagePriority.Urgent)]
    public void Valid_priorities_are_stored(string? priority, MessagePriority expected)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.Equal(expected, ch.Send(a, new SendRequest { Text = "x", Priority = priority }).Message.Priority);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("msg")]
    [InlineData("chat")]
    public void Invalid_kind_that_looks_like_text_gets_the_omit_kind_hint(string kind)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => ch.Say(a, "x", kind: kind)), 400, "invalid", $"invalid kind '{kind}'{KindTail}{OmitKindHint}");
    }

    [Theory]
    [InlineData("Message")]
    [InlineData("STATUS")]
    [InlineData("note")]
    [InlineData("")]
    [InlineData("Text")]
    public void Invalid_kind_otherwise_has_no_hint(string kind)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => ch.Say(a, "x", kind: kind)), 400, "invalid", $"invalid kind '{kind}'{KindTail}");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("message")]
    public void Kind_message_or_absent_is_a_normal_message(string? kind)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.Equal(MessageKind.Message, ch.Say(a, "x", kind: kind).Message.Kind);
    }

    [Fact]
    public void Priority_is_checked_before_kind_and_kind_before_replies()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var e = Kit.Fails(() => ch.Send(a, new SendRequest { Text = "x", Priority = "bad", Kind = "bad" }));
        Assert.StartsWith("invalid priority", e.Message, StringComparison.Ordinal);
        e = Kit.Fails(() => ch.Send(a, new SendRequest { Text = "x", Kind = "bad", SuggestedReplies = ["1", "2", "3", "4", "5"] }));
        Assert.StartsWith("invalid kind", e.Message, StringComparison.Ordinal);
        e = Kit.Fails(() => ch.Send(a, new SendRequest { Text = "x", SuggestedReplies = ["1", "2", "3", "4", "5"], Attachments = [Png(), Png(), Png(), Png(), Png()] }));
        Assert.StartsWith("suggested_replies", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_errors_come_before_the_session_check()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Assert.StartsWith("invalid priority", Kit.Fails(() => ch.Send("nobody-here", new SendRequest { Text = "x", Priority = "bad" })).Message,
            StringComparison.Ordinal);
    }

    // ---- addressing ----

    [Fact]
    public void Unknown_recipient_lists_the_roster()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => ch.Say(a, "x", to: " Charlie ")), 400, "invalid", UnknownMessage("Charlie", "#1 alpha, #2 bravo"));
    }

    [Fact]
    public void Unknown_recipient_roster_includes_the_sender()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        // The sender is online whenever it sends, so the "empty" roster text cannot occur on a send.
        Kit.AssertError(Kit.Fails(() => ch.Say(a, "x", to: "ghost")), 400, "invalid", UnknownMessage("ghost", "#1 alpha"));
    }

    [Fact]
    public void Roster_in_the_error_is_online_join_order()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var z = ch.JoinAs("zulu").SessionId;
        var a = ch.JoinAs("alpha").SessionId;
        ch.JoinAs("mike");
        ch.Leave(a);
        Kit.AssertError(Kit.Fails(() => ch.Say(z, "x", to: "nobody")), 400, "invalid", UnknownMessage("nobody", "#1 zulu, #2 mike"));
    }

    [Fact]
    public void Dm_to_an_offline_historic_callsign_is_queued()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Leave(b);
        var r = ch.Say(a, "for later", to: "BRAVO");
        Assert.True(r.Queued);
        Assert.Equal("bravo", r.Message.To);
        var b2 = ch.JoinAs("bravo").SessionId;
        Assert.Equal(["for later"], ch.Drain(b2));
    }

    [Fact]
    public void Dm_to_an_online_callsign_and_broadcasts_are_not_queued()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        Assert.False(ch.Say(a, "x", to: "bravo").Queued);
        Assert.False(ch.Say(a, "x").Queued);
        ch.Leave(b);
        Assert.False(ch.Say(a, "x", to: "all").Queued);
    }

    [Fact]
    public void Status_dm_to_an_offline_callsign_is_not_queued()
    {
        var (t, ch, a, b) = Setup();
        using var _t = t;
        ch.Leave(b);
        Assert.False(ch.Say(a, "working", to: "bravo", kind: "status").Queued);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("all")]
    [InlineData(" ALL ")]
    public void Empty_or_all_is_a_broadcast(string? to)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var m = ch.Say(a, "x", to: to).Message;
        Assert.Equal("all", m.To);
        Assert.True(m.IsBroadcast);
    }

    [Theory]
    [InlineData("#1", "alpha")]
    [InlineData("#2", "bravo")]
    [InlineData("#3", "charlie")]
    [InlineData("1", "alpha")]
    [InlineData("2", "bravo")]
    [InlineData(" #02 ", "bravo")]
    public void Index_addresses_resolve_in_join_order(string to, string expected)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        ch.JoinAs("charlie");
        Assert.Equal(expected, ch.Say(a, "x", to: to).Message.To);
    }

    [Fact]
    public void Index_counts_only_online_callsigns()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var a = ch.JoinAs("alpha").SessionId;
        var b = ch.JoinAs("bravo").SessionId;
        ch.JoinAs("charlie");
        ch.Leave(b);
        Assert.Equal("charlie", ch.Say(a, "x", to: "#2").Message.To);
    }

    [Theory]
    [InlineData("#3")]
    [InlineData("#0")]
    [InlineData("3")]
    [InlineData("0")]
    [InlineData("#99999999999999999999")]
    public void Out_of_range_index_is_treated_as_a_callsign_name(string to)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => ch.Say(a, "x", to: to)), 400, "invalid", UnknownMessage(to, "#1 alpha, #2 bravo"));
    }

    [Fact]
    public void Out_of_range_bare_number_can_hit_a_callsign_named_so()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        ch.JoinAs("9");
        Assert.Equal("9", ch.Say(a, "x", to: "9").Message.To);
        Kit.AssertError(Kit.Fails(() => ch.Say(a, "x", to: "#9")), 400, "invalid", UnknownMessage("#9", "#1 alpha, #2 bravo, #3 9"));
    }

    [Fact]
    public void Recipient_is_checked_before_text()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.StartsWith("no callsign", Kit.Fails(() => ch.Say(a, "", to: "ghost")).Message, StringComparison.Ordinal);
    }

    // ---- text ----

    [Fact]
    public void Status_text_required()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => ch.Say(a, "", kind: "status")), 400, "invalid", "status message requires text (1-280 chars)");
        // Attachments do not excuse an empty status.
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, "", attachments: [Png()], kind: "status")), 400, "invalid",
            "status message requires text (1-280 chars)");
    }

    [Fact]
    public void Status_text_limit_is_280()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => ch.Say(a, new string('s', 281), kind: "status")), 400, "invalid",
            "status message too long (max 280 chars); send a normal message for longer text");
        Assert.Equal(MessageKind.Status, ch.Say(a, new string('s', 280), kind: "status").Message.Kind);
        Assert.Equal(MessageKind.Status, ch.Say(a, "s", kind: "status").Message.Kind);
    }

    [Fact]
    public void Normal_text_required_without_attachments()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => ch.Say(a, "")), 400, "invalid", "message text required (or send at least one attachment)");
        Kit.AssertError(Kit.Fails(() => ch.Send(a, new SendRequest { Text = null! })), 400, "invalid",
            "message text required (or send at least one attachment)");
    }

    [Fact]
    public void Empty_text_with_an_attachment_is_fine()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var m = SendWith(ch, a, "", attachments: [Png()]).Message;
        Assert.Equal("", m.Text);
        Assert.Single(m.Attachments!);
    }

    [Fact]
    public void Normal_text_limit_is_8192()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => ch.Say(a, new string('m', 8193))), 400, "invalid", "message too long (max 8192 chars)");
        Assert.Equal(8192, ch.Say(a, new string('m', 8192)).Message.Text.Length);
    }

    [Fact]
    public void Text_is_not_trimmed()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.Equal("  spaced  ", ch.Say(a, "  spaced  ").Message.Text);
        Assert.Equal(" ", ch.Say(a, " ").Message.Text);
    }

    // ---- suggested replies ----

    [Fact]
    public void More_than_four_suggested_replies_counted_before_skipping_empties()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, replies: ["yes", "no", "", " ", "maybe"])), 400, "invalid",
            "suggested_replies: at most 4 entries");
    }

    [Fact]
    public void Suggested_reply_over_64_chars_after_trim()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, replies: ["ok", new string('r', 65)])), 400, "invalid",
            "suggested_replies entries must be at most 64 chars");
        var m = SendWith(ch, a, replies: ["  " + new string('r', 64) + "  "]).Message;
        Assert.Equal([new string('r', 64)], m.SuggestedReplies!);
    }

    [Fact]
    public void Null_suggested_reply_entry_is_not_a_string()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, replies: ["ok", null!])), 400, "invalid", "suggested_replies entries must be strings");
    }

    [Fact]
    public void Suggested_replies_are_trimmed_and_empties_skipped()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var m = SendWith(ch, a, replies: [" yes ", "", "no", "   "]).Message;
        Assert.Equal(["yes", "no"], m.SuggestedReplies!);
    }

    [Fact]
    public void All_empty_or_no_suggested_replies_means_none()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.Null(SendWith(ch, a, replies: ["", "  ", "\t"]).Message.SuggestedReplies);
        Assert.Null(SendWith(ch, a, replies: []).Message.SuggestedReplies);
        Assert.Null(SendWith(ch, a, replies: null).Message.SuggestedReplies);
    }

    [Fact]
    public void Suggested_replies_are_validated_but_dropped_for_status()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.Null(SendWith(ch, a, "busy", replies: ["ok"], kind: "status").Message.SuggestedReplies);
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, "busy", replies: ["1", "2", "3", "4", "5"], kind: "status")), 400, "invalid",
            "suggested_replies: at most 4 entries");
    }

    // ---- attachments ----

    [Fact]
    public void More_than_four_attachments()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, attachments: [Png(), Png(), Png(), Png(), Png()])), 400, "invalid",
            "at most 4 attachments per message");
        Assert.Equal(4, SendWith(ch, a, attachments: [Png(), Png(), Png(), Png()]).Message.Attachments!.Count);
    }

    [Fact]
    public void Null_attachment_is_not_an_object()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, attachments: [Png(), null!])), 400, "invalid", "attachments[1] must be an object");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("image/PNG")]
    [InlineData("image/svg+xml")]
    [InlineData("text/plain")]
    [InlineData(" image/png")]
    public void Bad_mime(string? mime)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, attachments: [Png(), new AttachmentInput(mime, "AAAA", null)])), 400, "invalid",
            "attachments[1].mime must be one of image/jpeg, image/png, image/webp, image/gif, application/pdf");
    }

    [Theory]
    [InlineData("image/jpeg")]
    [InlineData("image/png")]
    [InlineData("image/webp")]
    [InlineData("image/gif")]
    [InlineData("application/pdf")]
    public void Every_allowed_mime(string mime)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.Equal(mime, SendWith(ch, a, attachments: [new AttachmentInput(mime, "AAAA", null)]).Message.Attachments![0].Mime);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_data(string? data)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, attachments: [new AttachmentInput("image/png", data, null)])), 400, "invalid",
            "attachments[0].data_base64 must be a non-empty string");
    }

    [Theory]
    [InlineData("QUJ*")]
    [InlineData("QUJD-_==")] // base64url alphabet is refused
    [InlineData("====")]
    [InlineData("   \n ")]
    [InlineData("QUJDR===")]
    [InlineData("QU=D")]
    public void Bad_base64(string data)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, attachments: [new AttachmentInput("image/png", data, null)])), 400, "invalid",
            "attachments[0].data_base64 is not valid base64");
    }

    [Theory]
    [InlineData("QUJD", "QUJD")]
    [InlineData("QUI=", "QUI=")]
    [InlineData("QQ==", "QQ==")]
    [InlineData(" QU JD\r\nRE VG\t", "QUJDREVG")]
    [InlineData("ab+/", "ab+/")]
    public void Whitespace_is_stripped_from_base64(string data, string stored)
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.Equal(stored, SendWith(ch, a, attachments: [new AttachmentInput("image/png", data, null)]).Message.Attachments![0].DataBase64);
    }

    [Fact]
    public void Total_base64_over_524288_is_413()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var half = new string('A', 262_144);
        Assert.Equal(2, SendWith(ch, a, attachments: [Png(half), Png(half)]).Message.Attachments!.Count);
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, attachments: [Png(half), Png(half), Png("AAAA")])), 413, "invalid",
            "attachments too large (max 524288 base64 chars in total per message); host the file elsewhere and paste a URL instead");
        // Whitespace does not count towards the total.
        var spaced = new string('A', 262_144) + new string(' ', 1000);
        Assert.Equal(2, SendWith(ch, a, attachments: [Png(spaced), Png(half)]).Message.Attachments!.Count);
    }

    [Fact]
    public void A_single_attachment_over_the_total_is_413()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var e = Kit.Fails(() => SendWith(ch, a, attachments: [Png(new string('A', 524_292))]));
        Assert.Equal(HubErrorReason.TooLarge, e.Reason);
        Assert.Equal("invalid", e.Code);
    }

    [Fact]
    public void Base64_is_checked_before_the_running_total()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var full = new string('A', 524_288);
        var e = Kit.Fails(() => SendWith(ch, a, attachments: [Png(full), Png("QUJ*")]));
        Assert.Equal("attachments[1].data_base64 is not valid base64", e.Message);
    }

    [Fact]
    public void Filename_is_trimmed_cut_to_128_and_dropped_when_empty()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var m = SendWith(ch, a, attachments:
        [
            Png(filename: "  shot.png  "),
            Png(filename: new string('f', 200)),
            Png(filename: "   "),
            Png(filename: null),
        ]).Message;
        Assert.Equal("shot.png", m.Attachments![0].Filename);
        Assert.Equal(new string('f', 128), m.Attachments[1].Filename);
        Assert.Null(m.Attachments[2].Filename);
        Assert.Null(m.Attachments[3].Filename);
    }

    [Fact]
    public void Filename_is_cut_after_trimming()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var m = SendWith(ch, a, attachments: [Png(filename: "   " + new string('g', 128) + "xyz")]).Message;
        Assert.Equal(new string('g', 128), m.Attachments![0].Filename);
    }

    [Fact]
    public void Attachments_are_validated_but_dropped_for_status()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.Null(SendWith(ch, a, "busy", attachments: [Png()], kind: "status").Message.Attachments);
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, "busy", attachments: [new AttachmentInput("image/bmp", "AAAA", null)], kind: "status")),
            400, "invalid", "attachments[0].mime must be one of image/jpeg, image/png, image/webp, image/gif, application/pdf");
    }

    [Fact]
    public void No_attachments_or_an_empty_list_means_none()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        Assert.Null(SendWith(ch, a, attachments: []).Message.Attachments);
        Assert.Null(SendWith(ch, a, attachments: null).Message.Attachments);
        Kit.AssertError(Kit.Fails(() => SendWith(ch, a, "", attachments: [])), 400, "invalid", "message text required (or send at least one attachment)");
    }

    [Fact]
    public void Limits_follow_the_options()
    {
        var (t, ch, a, _) = Setup(o =>
        {
            o.MaxMessageChars = 10;
            o.MaxStatusChars = 5;
            o.MaxSuggestedReplies = 1;
            o.MaxSuggestedReplyChars = 3;
            o.MaxAttachments = 1;
            o.MaxAttachmentBase64Chars = 8;
            o.MaxAttachmentFilenameChars = 4;
        });
        using var _t = t;
        Assert.Equal("message too long (max 10 chars)", Kit.Fails(() => ch.Say(a, new string('x', 11))).Message);
        Assert.StartsWith("status message too long (max 5 chars)", Kit.Fails(() => ch.Say(a, "123456", kind: "status")).Message, StringComparison.Ordinal);
        Assert.Equal("suggested_replies: at most 1 entries", Kit.Fails(() => SendWith(ch, a, replies: ["a", "b"])).Message);
        Assert.Equal("suggested_replies entries must be at most 3 chars", Kit.Fails(() => SendWith(ch, a, replies: ["abcd"])).Message);
        Assert.Equal("at most 1 attachments per message", Kit.Fails(() => SendWith(ch, a, attachments: [Png(), Png()])).Message);
        Assert.StartsWith("attachments too large (max 8 base64 chars", Kit.Fails(() => SendWith(ch, a, attachments: [Png("AAAAAAAAAAAA")])).Message,
            StringComparison.Ordinal);
        Assert.Equal("abcd", SendWith(ch, a, attachments: [Png("AAAA", "abcdefgh")]).Message.Attachments![0].Filename);
    }
    [Fact]
    public void Text_length_is_counted_in_utf16_units()
    {
        var (t, ch, a, _) = Setup();
        using var _t = t;
        var emoji = string.Concat(Enumerable.Repeat("\U0001F400", 4096)); // 8192 UTF-16 units
        Assert.Equal(8192, ch.Say(a, emoji).Message.Text.Length);
        Assert.Equal("message too long (max 8192 chars)", Kit.Fails(() => ch.Say(a, emoji + "x")).Message);
        var status = string.Concat(Enumerable.Repeat("\U0001F400", 141)); // 282 units
        Assert.StartsWith("status message too long", Kit.Fails(() => ch.Say(a, status, kind: "status")).Message, StringComparison.Ordinal);
    }
}
