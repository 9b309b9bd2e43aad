namespace RogerRat.Tests.Integration;

/// <summary>The connect.* snippets of channel creation run as written against a live hub (PROTOCOL §6).</summary>
public class ConnectSnippetTests
{
    [Fact]
    public async Task Curl_test_initializes_the_per_channel_mcp_endpoint()
    {
        await using var hub = await LiveHub.StartAsync();
        var (_, created) = await hub.Send(HttpMethod.Post, "/api/channels", """{"retention":"none"}""");
        var snippet = created.GetProperty("connect").GetProperty("curl_test").GetString()!;
        var (code, output) = await Shell.RunAsync(snippet, TimeSpan.FromSeconds(30));
        Assert.True(code == 0, output);
        Assert.Contains("\"protocolVersion\":\"2025-03-26\"", output);
        Assert.Contains("\"serverInfo\":{\"name\":\"rogerrat\"", output);
    }

    [Fact]
    public async Task Rest_bash_loop_joins_sends_and_listens()
    {
        await using var hub = await LiveHub.StartAsync();
        var (_, created) = await hub.Send(HttpMethod.Post, "/api/channels", """{"retention":"none"}""");
        var snippet = created.GetProperty("connect").GetProperty("rest_bash_loop").GetString()!;
        var id = created.GetProperty("channel_id").GetString()!;
        var token = created.GetProperty("join_token").GetString()!;
        // The loop never ends by design: let it run a moment, with a peer talking to it, then stop it.
        var loop = Shell.RunAsync($"timeout 4 bash -c {Quote(snippet)}; true", TimeSpan.FromSeconds(30));
        await Task.Delay(1500);
        var peer = await hub.Join(id, token, "bravo");
        await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"alpha","message":"over"}""", token, peer);
        var (_, output) = await loop;
        Assert.Contains("\"ok\":true", output);
        Assert.Contains("\"text\":\"over\"", output);
        var (_, history) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/history", token: token);
        Assert.Contains(history.GetProperty("history").EnumerateArray(), m => m.GetProperty("text").GetString() == "hello");
    }

    [Fact]
    public async Task Agent_prompt_join_line_works_once_the_callsign_is_filled_in()
    {
        await using var hub = await LiveHub.StartAsync();
        var (_, created) = await hub.Send(HttpMethod.Post, "/api/channels", """{"retention":"none"}""");
        var prompt = created.GetProperty("connect").GetProperty("agent_prompt").GetString()!;
        var join = prompt.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("curl -s -X POST", StringComparison.Ordinal) && l.Contains("/join"));
        var (code, output) = await Shell.RunAsync(join.Replace("<pick-a-name>", "charlie"), TimeSpan.FromSeconds(30));
        Assert.True(code == 0, output);
        Assert.Contains("\"session_id\"", output);
        Assert.DoesNotContain("rogerthat", prompt, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Agent_prompt_background_poller_writes_messages_to_its_log()
    {
        await using var hub = await LiveHub.StartAsync();
        var (_, created) = await hub.Send(HttpMethod.Post, "/api/channels", """{"retention":"none"}""");
        var id = created.GetProperty("channel_id").GetString()!;
        var token = created.GetProperty("join_token").GetString()!;
        var prompt = created.GetProperty("connect").GetProperty("agent_prompt").GetString()!;
        var lines = prompt.Split('\n');
        var from = Array.FindIndex(lines, l => l.StartsWith("SID=", StringComparison.Ordinal));
        var to = Array.FindIndex(lines, l => l.StartsWith("nohup bash", StringComparison.Ordinal));
        Assert.True(from >= 0 && to > from, prompt);
        var sid = await hub.Join(id, token, "alpha");
        var script = string.Join("\n", lines[from..(to + 1)]).Replace("<session_id>", sid);
        var log = $"/tmp/rr-{id}.log";
        File.Delete(log);
        File.Delete($"/tmp/rr-{id}.cursor");
        try
        {
            var (code, output) = await Shell.RunAsync(script, TimeSpan.FromSeconds(30));
            Assert.True(code == 0, output);
            var peer = await hub.Join(id, token, "bravo");
            await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"alpha","message":"hi there\nsecond line"}""", token, peer);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline && !(File.Exists(log) && File.ReadAllText(log).Contains("[bravo] hi there second line"))) await Task.Delay(100);
            Assert.Contains("[bravo] hi there second line", File.Exists(log) ? File.ReadAllText(log) : "(no log)");
        }
        finally
        {
            await Shell.RunAsync($"P=$(cat /tmp/rr-{id}-monitor.pid); kill -STOP \"$P\"; pkill -P \"$P\"; kill \"$P\"; kill -CONT \"$P\"; true", TimeSpan.FromSeconds(10));
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
