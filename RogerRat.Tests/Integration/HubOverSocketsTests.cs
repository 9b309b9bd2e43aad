using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using RogerRat.Tests.Http;

namespace RogerRat.Tests.Integration;

/// <summary>The hub over real sockets: the delivery guarantees as a client sees them.</summary>
public class HubOverSocketsTests
{
    [Fact]
    public async Task Two_agents_talk_and_a_parked_listen_wakes_at_once()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var a = await hub.Join(id, token, "alpha");
        var b = await hub.Join(id, token, "bravo");
        var parked = hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=30", token: token, sid: b);
        await Task.Delay(200);
        var clock = Stopwatch.StartNew();
        var (sendStatus, _) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"bravo","message":"ping"}""", token, a);
        Assert.Equal(200, sendStatus);
        var (status, json) = await parked;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal(200, status);
        Assert.Equal("ping", json.GetProperty("messages")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_listener_that_disconnects_while_parked_loses_nothing()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var a = await hub.Join(id, token, "alpha");
        var b = await hub.Join(id, token, "bravo");

        // bravo parks on a raw socket, then vanishes; the message sent afterwards must wait for its next listen.
        var endpoint = hub.Server.LocalEndPoint;
        using (var s = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await s.ConnectAsync(endpoint);
            await s.SendAsync(Encoding.ASCII.GetBytes($"GET /api/channels/{id}/listen?timeout=30 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nX-Session-Id: {b}\r\n\r\n"), SocketFlags.None);
            await Task.Delay(200);
        }
        await Task.Delay(200);
        await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"bravo","message":"kept for you"}""", token, a);
        var (_, json) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=5", token: token, sid: b);
        Assert.Equal("kept for you", json.GetProperty("messages")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Since_resumes_and_410_vs_400()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var a = await hub.Join(id, token, "alpha");
        var b = await hub.Join(id, token, "bravo");
        for (var i = 0; i < 3; i++) await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", $$"""{"message":"m{{i}}"}""", token, a);
        var (_, first) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=1", token: token, sid: b);
        var ids = first.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).ToArray();
        Assert.Equal(3, ids.Length);
        var (_, again) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=1&since={ids[0]}", token: token, sid: b);
        Assert.Equal(ids[1..], again.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));

        Assert.Equal(400, (await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=1", token: token, sid: "never-joined-1")).Status);
        await hub.Send(HttpMethod.Post, $"/api/channels/{id}/leave", token: token, sid: b);
        Assert.Equal(410, (await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=1", token: token, sid: b)).Status);
    }

    [Fact]
    public async Task The_seed_session_script_passes()
    {
        await using var hub = await LiveHub.StartAsync();
        var script = Path.Combine(RepoPaths.Shared, "scripts", "seed-session.sh");
        Assert.True(File.Exists(script), script);
        var (code, output) = await Shell.RunAsync($"bash '{script}' '{hub.Base}'", TimeSpan.FromSeconds(60));
        Assert.True(code == 0, output);
        Assert.Contains("PASS", output);
    }

    [Fact]
    public async Task Every_bash_block_of_llms_txt_runs_against_the_hub()
    {
        await using var hub = await LiveHub.StartAsync();
        var text = await hub.Client.GetStringAsync("/llms.txt");
        // Blocks that need the rogerrat binary run in ListenHereTextTests, with the built one on PATH.
        var blocks = Regex.Matches(text, "```bash\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)
            .Where(b => !b.StartsWith(RogerRat.Http.Api.DiscoveryDocuments.ListenHereMarker, StringComparison.Ordinal)).ToArray();
        Assert.True(blocks.Length >= 5, $"only {blocks.Length} bash blocks");
        // The blocks share one shell, in order, as the text says; -e stops at the first failing command.
        var script = "set -euo pipefail\n" + string.Join("\n", blocks)
            + "\nsleep 1; curl -sf \"$BASE/healthz\" >/dev/null; P=$(cat /tmp/rr-poll.pid); kill -STOP \"$P\" 2>/dev/null || true; pkill -P \"$P\" || true; kill \"$P\" 2>/dev/null || true; kill -CONT \"$P\" 2>/dev/null || true\necho ALL-BLOCKS-OK\n";
        var (code, output) = await Shell.RunAsync(script, TimeSpan.FromSeconds(90), stdin: true);
        Assert.True(code == 0 && output.Contains("ALL-BLOCKS-OK"), output);
        Assert.DoesNotContain("\"error\"", output);
    }
}

internal static class RepoPaths
{
    /// <summary>The shared folder beside the repository (../shared), found from the test binary upwards.</summary>
    public static string Shared
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RogerRat.sln"))) dir = dir.Parent;
            return Path.GetFullPath(Path.Combine(dir?.FullName ?? ".", "..", "shared"));
        }
    }
}

internal static class Shell
{
    public static async Task<(int Code, string Output)> RunAsync(string script, TimeSpan timeout, bool stdin = false)
    {
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (!stdin) psi.ArgumentList.Add("-c");
        if (!stdin) psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        if (stdin) await p.StandardInput.WriteAsync(script);
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            return (-1, "timed out\n" + await output + await error);
        }
        return (p.ExitCode, await output + await error);
    }
}
