using System.Text.RegularExpressions;
using RogerRat.Http.Api;
using RogerRat.Tests.Integration;
using static RogerRat.Tests.ListenHere.ListenHereRun;

namespace RogerRat.Tests.ListenHere;

/// <summary>The texts that point at <c>rogerrat listen-here</c> (/llms.txt, the agent prompt, the join hint, the
/// receive recipe) run as written, with the built binary on PATH.</summary>
public class ListenHereTextTests
{
    /// <summary>Puts the <c>rogerrat</c> apphost built beside the tests first on PATH.</summary>
    private static string WithBinary(string script) => $"export PATH='{AppContext.BaseDirectory.TrimEnd('/')}':\"$PATH\"\n{script}";

    [Fact]
    public async Task The_binary_lists_its_subcommands_and_their_help()
    {
        var (code, output) = await Shell.RunAsync(WithBinary("rogerrat --help && rogerrat listen-here --help && rogerrat receive-recipe --help"), TimeSpan.FromSeconds(30));
        Assert.True(code == 0, output);
        Assert.Contains("rogerrat listen-here [options]", output);
        Assert.Contains("rogerrat receive-recipe [options]", output);
        Assert.Contains("usage: rogerrat listen-here --channel", output);
        Assert.Contains("usage: rogerrat receive-recipe --channel", output);
        (code, output) = await Shell.RunAsync(WithBinary("rogerrat listen-here --channel x"), TimeSpan.FromSeconds(30));
        Assert.Equal(2, code);
    }

    [Fact]
    public async Task The_llms_txt_listen_here_block_runs_as_written()
    {
        await using var hub = await LiveHub.StartAsync();
        var text = await hub.Client.GetStringAsync("/llms.txt");
        var blocks = Regex.Matches(text, "```bash\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();
        var listen = Assert.Single(blocks, b => b.StartsWith(DiscoveryDocuments.ListenHereMarker, StringComparison.Ordinal));
        Assert.Contains("rogerrat listen-here", listen);
        var stop = "kill \"$(cat /tmp/rr-listen.pid)\"";
        Assert.Contains(stop, text);
        // The create-and-join block first (it sets BASE, CHID, TOKEN, SID), then the receiver, both verbatim.
        var (code, output) = await Shell.RunAsync(WithBinary("set -euo pipefail\n" + blocks[0] + listen), TimeSpan.FromSeconds(30));
        Assert.True(code == 0, output);
        var m = Regex.Match(output, "channel (\\S+) token (\\S+) session (\\S+)");
        Assert.True(m.Success, output);
        var (id, token) = (m.Groups[1].Value, m.Groups[2].Value);
        var log = $"/tmp/rr-{id}.log";
        try
        {
            var bravo = await hub.Join(id, token, "bravo");
            await Say(hub, id, token, bravo, """{"to":"alpha","message":"over\nand out"}""");
            Assert.Equal(["[bravo] over and out"], await WaitForLines(log, 1));
        }
        finally
        {
            await Shell.RunAsync(stop + "; true", TimeSpan.FromSeconds(10));
            File.Delete(log);
            File.Delete(log + ".state");
        }
    }

    [Fact]
    public async Task The_agent_prompt_listen_here_line_runs_once_the_callsign_is_filled_in()
    {
        await using var hub = await LiveHub.StartAsync();
        var (_, created) = await hub.Send(HttpMethod.Post, "/api/channels", """{"retention":"none","owner_password":"it's-secret"}""");
        var id = created.GetProperty("channel_id").GetString()!;
        var token = created.GetProperty("join_token").GetString()!;
        var prompt = created.GetProperty("connect").GetProperty("agent_prompt").GetString()!;
        var lines = prompt.Split('\n');
        var line = lines.Select(l => l.Trim()).Single(l => l.StartsWith("nohup rogerrat listen-here", StringComparison.Ordinal));
        Assert.True(Array.FindIndex(lines, l => l.Contains("rogerrat listen-here")) < Array.FindIndex(lines, l => l.StartsWith("nohup bash", StringComparison.Ordinal)),
            "listen-here comes first, the bash poller is the fallback");
        var stop = lines.Select(l => l.Trim()).Single(l => l.StartsWith("Stop it with: kill", StringComparison.Ordinal))["Stop it with: ".Length..];
        var log = $"/tmp/rr-{id}.log";
        try
        {
            var (code, output) = await Shell.RunAsync(WithBinary(line.Replace("<pick-a-name>", "alpha")), TimeSpan.FromSeconds(30));
            Assert.True(code == 0, output);
            await WaitOnline(hub, id, token, "alpha");
            var bravo = await hub.Join(id, token, "bravo");
            await Say(hub, id, token, bravo, """{"to":"alpha","message":"heard you"}""");
            Assert.Equal(["[bravo] heard you"], await WaitForLines(log, 1));
        }
        finally
        {
            await Shell.RunAsync(stop + "; true", TimeSpan.FromSeconds(10));
            File.Delete(log);
            File.Delete(log + ".state");
        }
    }

    [Fact]
    public async Task The_join_hint_names_listen_here_and_the_fallback()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var (_, joined) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/join", """{"callsign":"alpha"}""", token);
        var hint = joined.GetProperty("hint").GetString()!;
        Assert.Contains($"rogerrat listen-here --origin {hub.Server.Origin} --channel {id} --token <join_token> --callsign alpha", hint);
        Assert.Contains("/llms.txt", hint);
    }

    [Fact]
    public async Task The_receive_recipe_names_our_binary_and_its_step_1_runs_as_written()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var (code, recipe) = await Shell.RunAsync(WithBinary($"rogerrat receive-recipe --channel {id} --token {token} --callsign alpha --origin {hub.Base}"), TimeSpan.FromSeconds(30));
        Assert.True(code == 0, recipe);
        var inbox = $"/tmp/rr-{id}.jsonl";
        Assert.Contains("nohup rogerrat listen-here \\", recipe);
        Assert.Contains("--format jsonl", recipe);
        Assert.Contains($"stdbuf -oL tail -n 0 -F {inbox}", recipe);
        Assert.Contains("Do NOT", recipe);
        var step2 = recipe[recipe.IndexOf("Step 2", StringComparison.Ordinal)..recipe.IndexOf("─── Do NOT", StringComparison.Ordinal)];
        Assert.DoesNotContain("|", step2);
        Assert.DoesNotContain("jq", step2);
        Assert.DoesNotContain("python", step2);
        var lines = recipe.Split('\n');
        var from = Array.FindIndex(lines, l => l.StartsWith("nohup rogerrat listen-here", StringComparison.Ordinal));
        var to = Array.FindIndex(lines, l => l.Contains("--quiet >/dev/null 2>&1 &"));
        var pid = $"/tmp/rr-{id}-recipe.pid";
        try
        {
            (code, var output) = await Shell.RunAsync(WithBinary(string.Join("\n", lines[from..(to + 1)]) + $"\necho $! > {pid}"), TimeSpan.FromSeconds(30));
            Assert.True(code == 0, output);
            await WaitOnline(hub, id, token, "alpha");
            var bravo = await hub.Join(id, token, "bravo");
            await Say(hub, id, token, bravo, """{"to":"alpha","message":"via recipe"}""");
            Assert.Contains("\"text\":\"via recipe\"", (await WaitForLines(inbox, 1))[0]);
        }
        finally
        {
            await Shell.RunAsync($"kill \"$(cat {pid})\"; true", TimeSpan.FromSeconds(10));
            File.Delete(pid);
            File.Delete(inbox);
            File.Delete(inbox + ".state");
        }
    }

    [Fact]
    public async Task The_receive_recipe_text_format_uses_the_log_inbox()
    {
        var (code, recipe) = await Shell.RunAsync(WithBinary("rogerrat receive-recipe --channel ch1 --token tok1 --session sid1 --format text"), TimeSpan.FromSeconds(30));
        Assert.True(code == 0, recipe);
        foreach (var part in new[] { "--channel ch1", "--token tok1", "--session sid1", "--inbox /tmp/rr-ch1.log", "--format text", "stdbuf -oL tail -n 0 -F /tmp/rr-ch1.log" })
        {
            Assert.Contains(part, recipe);
        }
        (code, _) = await Shell.RunAsync(WithBinary("rogerrat receive-recipe --channel ch1"), TimeSpan.FromSeconds(30));
        Assert.Equal(2, code);
    }
}
