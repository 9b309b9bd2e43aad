using System.Text.RegularExpressions;

namespace RogerRat.Tests.Integration;

/// <summary>
/// The background pollers the hub hands to agents (the /llms.txt one and the agent prompt's) resume from the hub's
/// cursor: one started after a message was already received, or restarted, never writes a message twice.
/// </summary>
public class PollerResumeTests
{
    [Fact]
    public async Task The_llms_txt_poller_started_late_and_restarted_writes_each_message_once()
    {
        await using var hub = await LiveHub.StartAsync();
        var text = await hub.Client.GetStringAsync("/llms.txt");
        var block = Regex.Matches(text, "```bash\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)
            .Single(b => b.Contains("rr-poll.sh", StringComparison.Ordinal) && b.Contains("nohup", StringComparison.Ordinal));
        var (id, token) = await hub.CreateChannel();
        var tag = Guid.NewGuid().ToString("N")[..8];
        // Only the file names change, so parallel tests do not share a script or pid file; the loop runs as written.
        var start = $"BASE='{hub.Base}'; CHID='{id}'; TOKEN='{token}'; SID=\"$1\"\n"
            + block.Replace("/tmp/rr-poll.sh", $"/tmp/rr-poll-{tag}.sh").Replace("/tmp/rr-poll.pid", $"/tmp/rr-poll-{tag}.pid")
                .Replace("/tmp/rr-$CHID.log", $"/tmp/rr-{tag}.log");
        await AssertResumesWithoutRepeats(hub, id, token, $"/tmp/rr-{tag}.log",
            sid => Shell.RunAsync($"set -- '{sid}'\n{start}", TimeSpan.FromSeconds(30)),
            () => Shell.RunAsync(StopCommand(text, "/tmp/rr-poll.pid", $"/tmp/rr-poll-{tag}.pid"), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task The_agent_prompt_poller_started_late_and_restarted_writes_each_message_once()
    {
        await using var hub = await LiveHub.StartAsync();
        var (_, created) = await hub.Send(HttpMethod.Post, "/api/channels", """{"retention":"none"}""");
        var id = created.GetProperty("channel_id").GetString()!;
        var token = created.GetProperty("join_token").GetString()!;
        var lines = created.GetProperty("connect").GetProperty("agent_prompt").GetString()!.Split('\n');
        var from = Array.FindIndex(lines, l => l.StartsWith("SID=", StringComparison.Ordinal));
        var to = Array.FindIndex(lines, l => l.StartsWith("echo $! > ", StringComparison.Ordinal));
        Assert.True(from >= 0 && to > from);
        var script = string.Join("\n", lines[from..(to + 1)]);
        var prompt = string.Join("\n", lines);
        await AssertResumesWithoutRepeats(hub, id, token, $"/tmp/rr-{id}.log",
            sid => Shell.RunAsync(script.Replace("<session_id>", sid), TimeSpan.FromSeconds(30)),
            () => Shell.RunAsync(StopCommand(prompt, $"/tmp/rr-{id}-monitor.pid", $"/tmp/rr-{id}-monitor.pid"), TimeSpan.FromSeconds(10)));
    }

    private static async Task AssertResumesWithoutRepeats(LiveHub hub, string id, string token, string log,
        Func<string, Task<(int Code, string Output)>> startPoller, Func<Task<(int Code, string Output)>> stopPoller)
    {
        File.Delete(log);
        var alpha = await hub.Join(id, token, "alpha");
        var bravo = await hub.Join(id, token, "bravo");
        async Task Say(string text) => Assert.Equal(200, (await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send",
            $$"""{"to":"alpha","message":"{{text}}"}""", token, bravo)).Status);

        // alpha already heard "one" by itself before any poller ran.
        await Say("one");
        var (_, heard) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=5", token: token, sid: alpha);
        Assert.Equal("one", heard.GetProperty("messages")[0].GetProperty("text").GetString());
        try
        {
            var (code, output) = await startPoller(alpha);
            Assert.True(code == 0, output);
            await Say("two");
            await WaitForLine(log, "[bravo] two");
            await stopPoller();
            // The hub must see the killed curl's close before the next send, or it would write "three" to a socket
            // the kernel still accepts bytes for (commit on write cannot tell a peer that closed a moment ago).
            await Task.Delay(500);
            await Say("three");
            (code, output) = await startPoller(alpha);
            Assert.True(code == 0, output);
            await WaitForLine(log, "[bravo] three");
            await Say("four");
            await WaitForLine(log, "[bravo] four");
            await Task.Delay(300);
            Assert.Equal(["[bravo] two", "[bravo] three", "[bravo] four"], File.ReadAllLines(log));
        }
        finally
        {
            await stopPoller();
            File.Delete(log);
        }
    }

    /// <summary>The stop command the text gives (with its pid file renamed where the test renamed it).</summary>
    private static string StopCommand(string text, string pidFile, string renamed)
    {
        var stop = $"P=$(cat {pidFile}); kill -STOP \"$P\"; pkill -P \"$P\"; kill \"$P\"; kill -CONT \"$P\"";
        Assert.Contains(stop, text);
        return stop.Replace(pidFile, renamed) + "; true";
    }

    private static async Task WaitForLine(string log, string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(log) && File.ReadAllLines(log).Contains(line)) return;
            await Task.Delay(50);
        }
        Assert.Fail($"'{line}' never reached {log}: {(File.Exists(log) ? File.ReadAllText(log) : "(no log)")}");
    }
}
