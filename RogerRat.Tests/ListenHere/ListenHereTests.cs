using System.Net;
using System.Text.Json;
using RogerRat.Tests.Integration;
using static RogerRat.Tests.ListenHere.ListenHereRun;

namespace RogerRat.Tests.ListenHere;

/// <summary><c>rogerrat listen-here</c> (PROTOCOL §6, reference §11.3) through its real entry point against a live hub.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class ListenHereTests
{
    private static string[] Args(LiveHub hub, string id, string token, string inbox, params string[] more) => ListenerRig.Args(hub, id, token, inbox, more);

    [Fact]
    public async Task Jsonl_lines_land_in_order_as_received()
    {
        await using var rig = await ListenerRig.StartAsync("in.jsonl");
        var (hub, id, token, dir, inbox, run, bravo) = rig;
        foreach (var text in new[] { "one", "two", "three" }) await Say(hub, id, token, bravo, $$"""{"to":"alpha","message":"{{text}}"}""");
        await Say(hub, id, token, bravo, """{"to":"all","message":"four","suggested_replies":["yes","no"]}""");
        var lines = await WaitForLines(inbox, 4, run);
        var docs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["one", "two", "three", "four"], docs.Select(d => d.GetProperty("text").GetString()));
        Assert.All(docs, d => Assert.Equal("bravo", d.GetProperty("from").GetString()));
        Assert.Equal(["yes", "no"], docs[3].GetProperty("suggested_replies").EnumerateArray().Select(r => r.GetString()));
        var ids = docs.Select(d => d.GetProperty("id").GetInt64()).ToArray();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids[^1].ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(inbox + ".state").Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(inbox));
        Assert.Equal(0, await run.StopAsync());
    }

    [Fact]
    public async Task Text_lines_show_priorities_replies_and_one_line_bodies()
    {
        await using var rig = await ListenerRig.StartAsync("in.log", "--format", "text");
        var (hub, id, token, _, inbox, run, bravo) = rig;
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"multi\nline\r\nbody"}""");
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"background update","priority":"low"}""");
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"wake up!","priority":"urgent"}""");
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"deploy?","suggested_replies":["yes","no","show diff"]}""");
        var lines = await WaitForLines(inbox, 4, run);
        Assert.Equal(["[bravo] multi line body", "[low] [bravo] background update", "[urgent] [bravo] wake up!", "[bravo] deploy?  → [yes] [no] [show diff]"], lines);
        Assert.StartsWith("⟲ [listen-here] ● connected — listening on " + id, File.ReadAllLines(inbox)[0]);
    }

    [Fact]
    public async Task Min_priority_drops_lower_messages_and_heartbeat_lines_come()
    {
        await using var rig = await ListenerRig.StartAsync("in.log", "--format", "text", "--min-priority", "high", "--heartbeat", "0.2");
        var (hub, id, token, _, inbox, run, bravo) = rig;
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"noise"}""");
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"signal!","priority":"high"}""");
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"EMERGENCY","priority":"urgent"}""");
        Assert.Equal(["[high] [bravo] signal!", "[urgent] [bravo] EMERGENCY"], await WaitForLines(inbox, 2, run));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !File.ReadAllText(inbox).Contains("♥ alive")) await Task.Delay(50);
        Assert.Contains("⟲ [listen-here] ♥ alive — session ", File.ReadAllText(inbox));
    }

    [Fact]
    public async Task The_hook_runs_per_message_with_the_RR_variables()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var dir = TempDir();
        var marker = Path.Combine(dir, "hook.out");
        var hook = $"printf '%s|%s|%s|%s|%s|%s|%s\\n' \"$RR_FROM\" \"$RR_TO\" \"$RR_MESSAGE\" \"$RR_PRIORITY\" \"$RR_CHANNEL\" \"$RR_MSG_ID\" \"$RR_REPLIES\" >> '{marker}'";
        await using var run = Start("--origin", hub.Base, "--channel", id, "--token", token, "--callsign", "alpha", "--on-message", hook, "--quiet");
        await WaitOnline(hub, id, token, "alpha", run);
        var bravo = await hub.Join(id, token, "bravo");
        var (_, sent) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"alpha","message":"from-hook","priority":"high","suggested_replies":["a","b"]}""", token, bravo);
        await Say(hub, id, token, bravo, """{"to":"all","message":"second"}""");
        // Each hook is spawned and not awaited (reference §11.3), so two hooks may finish in either order.
        var lines = await WaitForLines(marker, 2, run);
        Assert.Equal($"bravo|alpha|from-hook|high|{id}|{sent.GetProperty("id").GetInt64()}|a\tb", Assert.Single(lines, l => l.StartsWith("bravo|alpha|", StringComparison.Ordinal)));
        Assert.StartsWith($"bravo|all|second|default|{id}|", Assert.Single(lines, l => l.StartsWith("bravo|all|", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_cut_connection_and_a_restart_lose_nothing_and_repeat_nothing()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        await using var proxy = new CutProxy((IPEndPoint)hub.Server.LocalEndPoint!);
        var inbox = Path.Combine(TempDir(), "in.log");
        string[] args = ["--origin", proxy.Origin, "--channel", id, "--token", token, "--callsign", "alpha", "--inbox", inbox, "--format", "text", "--backoff-ms", "50"];
        var run = Start(args);
        await WaitOnline(hub, id, token, "alpha", run);
        var bravo = await hub.Join(id, token, "bravo");
        async Task Dm(string text) => await Say(hub, id, token, bravo, $$"""{"to":"alpha","message":"{{text}}"}""");

        await Dm("one");
        await WaitForLines(inbox, 1, run);
        // Cut while parked: a message sent right then may be written by the hub into the dead socket (and committed);
        // listen-here's next listen passes its last written id as since, so it comes again.
        proxy.Cut();
        await Dm("two");
        await Task.Delay(300);
        await Dm("three");
        proxy.Restore();
        await WaitForLines(inbox, 3, run);
        await Dm("four");
        await WaitForLines(inbox, 4, run);

        // A restarted listener (same inbox, same state) picks up after "four".
        Assert.Equal(0, await run.StopAsync());
        await run.DisposeAsync();
        await Dm("five");
        await using var again = Start(args);
        await WaitForLines(inbox, 5, again);
        await Dm("six");
        await WaitForLines(inbox, 6, again);
        await Task.Delay(300);
        Assert.Equal(["[bravo] one", "[bravo] two", "[bravo] three", "[bravo] four", "[bravo] five", "[bravo] six"], Lines(inbox));
    }

    [Fact]
    public async Task A_state_file_ahead_of_the_hub_cursor_skips_what_was_already_written()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var alpha = await hub.Join(id, token, "alpha");
        var bravo = await hub.Join(id, token, "bravo");
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"old"}""");
        var (_, history) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/history", token: token);
        var oldId = history.GetProperty("history")[0].GetProperty("id").GetInt64();
        var inbox = Path.Combine(TempDir(), "in.log");
        // As if a previous run wrote "old" but died before the hub's cursor moved.
        File.WriteAllText(inbox + ".state", oldId + "\n");
        await using var run = Start(Args(hub, id, token, inbox, "--format", "text", "--session", alpha));
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"new"}""");
        Assert.Equal(["[bravo] new"], await WaitForLines(inbox, 1, run));
        await Task.Delay(300);
        Assert.Equal(["[bravo] new"], Lines(inbox));
    }

    [Fact]
    public async Task It_joins_again_when_its_session_ends()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var inbox = Path.Combine(TempDir(), "in.log");
        await using var run = Start(Args(hub, id, token, inbox, "--format", "text"));
        await WaitOnline(hub, id, token, "alpha", run);
        // Joining alpha without a session id adopts listen-here's session; leaving ends it (410 on its next listen).
        var sid = await hub.Join(id, token, "alpha");
        await hub.Send(HttpMethod.Post, $"/api/channels/{id}/leave", token: token, sid: sid);
        var bravo = await hub.Join(id, token, "bravo");
        await WaitOnline(hub, id, token, "alpha", run);
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"after rejoin"}""");
        Assert.Equal(["[bravo] after rejoin"], await WaitForLines(inbox, 1, run));
        Assert.Contains("joining again", run.Stderr);
    }

    [Fact]
    public async Task The_identity_key_joins_its_callsign_on_a_require_identity_channel()
    {
        await using var hub = await LiveHub.StartAsync();
        var (_, created) = await hub.Send(HttpMethod.Post, "/api/channels", """{"retention":"none","require_identity":true}""");
        var id = created.GetProperty("channel_id").GetString()!;
        var token = created.GetProperty("join_token").GetString()!;
        var (_, first) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/join", """{"callsign":"alpha"}""", token);
        var key = first.GetProperty("identity_key").GetString()!;
        var inbox = Path.Combine(TempDir(), "in.log");

        // Without the key the callsign is refused: exit 1, no retry loop.
        await using (var refused = Start("--origin", hub.Base, "--channel", id, "--token", token, "--callsign", "alpha", "--inbox", inbox))
        {
            Assert.Equal(1, await refused.Exit.WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("identity_required", refused.Stderr);
        }

        await using var run = Start("--origin", hub.Base, "--channel", id, "--token", token, "--identity-key", key, "--inbox", inbox, "--format", "text");
        var bravo = await hub.Join(id, token, "bravo");
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"for the key holder"}""");
        Assert.Equal(["[bravo] for the key holder"], await WaitForLines(inbox, 1, run));
    }

    [Fact]
    public async Task A_first_join_on_a_require_identity_channel_keeps_its_key_for_the_next_run()
    {
        await using var hub = await LiveHub.StartAsync();
        var (_, created) = await hub.Send(HttpMethod.Post, "/api/channels", """{"retention":"none","require_identity":true}""");
        var id = created.GetProperty("channel_id").GetString()!;
        var token = created.GetProperty("join_token").GetString()!;
        var inbox = Path.Combine(TempDir(), "in.log");
        string[] args = ["--origin", hub.Base, "--channel", id, "--token", token, "--callsign", "alpha", "--inbox", inbox, "--format", "text", "--quiet"];
        await using (var run = Start(args))
        {
            await WaitOnline(hub, id, token, "alpha", run);
            Assert.Equal(0, await run.StopAsync());
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(inbox + ".state.identity-key"));
        // The second run has only the callsign: the key kept beside the state file lets it join again.
        await using var again = Start(args);
        await WaitOnline(hub, id, token, "alpha", again);
        var bravo = await hub.Join(id, token, "bravo");
        await Say(hub, id, token, bravo, """{"to":"alpha","message":"second run"}""");
        Assert.Equal(["[bravo] second run"], await WaitForLines(inbox, 1, again));
    }

    [Fact]
    public async Task Attachments_are_saved_with_safe_names_and_private_modes()
    {
        await using var rig = await ListenerRig.StartAsync("in.jsonl");
        var (hub, id, token, dir, inbox, run, bravo) = rig;
        var png = Convert.ToBase64String([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
        await Say(hub, id, token, bravo, $$"""
            {"to":"alpha","message":"files","attachments":[
              {"mime":"image/png","data_base64":"{{png}}","filename":"../../etc/pass\u0001wd.png"},
              {"mime":"image/png","data_base64":"{{png}}"},
              {"mime":"application/pdf","data_base64":"{{png}}","filename":"..."}]}
            """);
        var line = JsonDocument.Parse((await WaitForLines(inbox, 1, run))[0]).RootElement;
        var saved = line.GetProperty("saved_paths").EnumerateArray().Select(p => p.GetString()!).ToArray();
        var attachments = Path.Combine(dir, "in-attachments");
        var msgId = line.GetProperty("id").GetInt64();
        Assert.Equal([$"{msgId}-1-_.._etc_pass_wd.png", $"{msgId}-2-att-2", $"{msgId}-3-attachment"], saved.Select(Path.GetFileName));
        Assert.All(saved, p =>
        {
            Assert.Equal(attachments, Path.GetDirectoryName(p));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(p));
            Assert.Equal(Convert.FromBase64String(png), File.ReadAllBytes(p));
        });
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(attachments));
        Assert.Equal("../../etc/pass\u0001wd.png", line.GetProperty("attachments")[0].GetProperty("filename").GetString());
    }

    [Theory]
    [InlineData("../../x", "_.._x")]
    [InlineData("..\\..\\x", "_.._x")]
    [InlineData(".hidden", "hidden")]
    [InlineData("a\u0000b\nc\u007f", "a_b_c_")]
    [InlineData("   ", "attachment")]
    [InlineData("..", "attachment")]
    [InlineData(null, "att-3")]
    public void Safe_names_stay_in_the_folder(string? name, string expected) =>
        Assert.Equal(expected, RogerRat.Host.ListenHere.Inbox.SafeName(name, 3));

    [Fact]
    public void Backoff_triples_up_to_a_minute_and_resets_once_healthy()
    {
        var backoff = new RogerRat.Host.ListenHere.Backoff(1000);
        Assert.Equal([1000, 3000, 9000, 27000, 60000, 60000], Enumerable.Range(0, 6).Select(_ => backoff.Next()));
        backoff.Reset();
        Assert.Equal(1000, backoff.Next());
    }

    [Fact]
    public void Long_names_are_cut_to_96_characters() =>
        Assert.Equal(96, RogerRat.Host.ListenHere.Inbox.SafeName(new string('a', 200), 1).Length);

    [Theory]
    [InlineData("--token", "t", "--callsign", "a")]
    [InlineData("--channel", "c", "--callsign", "a")]
    [InlineData("--channel", "c", "--token", "t")]
    [InlineData("--channel", "c", "--token", "t", "--callsign", "a", "--format", "xml")]
    [InlineData("--channel", "c", "--token", "t", "--callsign", "a", "--bogus", "1")]
    [InlineData("--channel", "c", "--token", "t", "--callsign", "a", "--heartbeat", "5")]
    public async Task Bad_flags_exit_2_with_the_usage(params string[] args)
    {
        await using var run = Start(args);
        Assert.Equal(2, await run.Exit.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("usage: rogerrat listen-here", run.Stderr);
    }

    [Fact]
    public async Task A_wrong_token_exits_1()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, _) = await hub.CreateChannel();
        await using var run = Start("--origin", hub.Base, "--channel", id, "--token", "wrong", "--callsign", "alpha");
        Assert.Equal(1, await run.Exit.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("401", run.Stderr);
    }
}
