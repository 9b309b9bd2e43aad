using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Mcp;

/// <summary>Two agents talk through our MCP endpoints using the official C# MCP client (software we did not write).</summary>
public class OfficialClientTests
{
    private static async Task<McpClient> Connect(string url, string? bearer = null)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(url),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = bearer is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {bearer}" },
        });
        return await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-11-25" });
    }

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static async Task<string> Call(McpClient client, string tool, Dictionary<string, object?>? args = null)
    {
        var result = await client.CallToolAsync(tool, args ?? []);
        Assert.False(result.IsError == true, $"{tool} failed: {Text(result)}");
        return Text(result);
    }

    [Fact]
    public async Task Two_agents_converse_through_the_unified_endpoint()
    {
        await using var hub = await LiveHub.StartAsync();
        await using var alpha = await Connect($"{hub.Base}/mcp");
        await using var bravo = await Connect($"{hub.Base}/mcp");

        var tools = await alpha.ListToolsAsync();
        Assert.Equal(["create_channel", "join", "send", "listen", "wait", "roster", "history", "leave"], tools.Select(t => t.Name));

        var created = await alpha.CallToolAsync("create_channel", new Dictionary<string, object?> { ["retention"] = "none" });
        var structured = created.StructuredContent!.Value;
        var id = structured.GetProperty("channel_id").GetString()!;
        var token = structured.GetProperty("join_token").GetString()!;

        Assert.Contains("Joined channel", await Call(alpha, "join", new() { ["channel_id"] = id, ["token"] = token, ["callsign"] = "alpha" }));
        await Call(bravo, "join", new() { ["channel_id"] = id, ["token"] = token, ["callsign"] = "bravo" });

        Assert.Contains("sent #", await Call(alpha, "send", new() { ["to"] = "bravo", ["message"] = "hello bravo" }));
        var heard = await Call(bravo, "listen", new() { ["timeout_seconds"] = 5 });
        Assert.Contains("alpha →bravo: hello bravo", heard);
        Assert.Contains("cursor:", heard);

        var waiting = Call(alpha, "wait", new() { ["timeout_seconds"] = 20 });
        await Task.Delay(300);
        await Call(bravo, "send", new() { ["to"] = "alpha", ["message"] = "roger" });
        var woke = await waiting;
        Assert.Contains("bravo →alpha: roger", woke);
        Assert.Contains("roster: alpha, bravo", woke);

        Assert.Contains("#1  alpha", await Call(bravo, "roster"));
        Assert.Contains("hello bravo", await Call(bravo, "history", new() { ["n"] = 5 }));
        Assert.Equal("left channel", await Call(bravo, "leave"));
        Assert.DoesNotContain("bravo", await Call(alpha, "roster"));
    }

    [Fact]
    public async Task Two_agents_converse_through_the_per_channel_endpoint()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        await using var alpha = await Connect($"{hub.Base}/mcp/{id}", token);
        await using var bravo = await Connect($"{hub.Base}/mcp/{id}", token);

        var tools = await alpha.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "wait");
        await Call(alpha, "join", new() { ["callsign"] = "alpha" });
        await Call(bravo, "join", new() { ["callsign"] = "bravo" });
        await Call(alpha, "send", new() { ["message"] = "to everyone" });
        Assert.Contains("alpha (all): to everyone", await Call(bravo, "wait", new() { ["timeout_seconds"] = 5 }));
        Assert.Contains("(no messages", await Call(bravo, "listen", new() { ["timeout_seconds"] = 1 }));
        await Call(bravo, "send", new() { ["to"] = "#1", ["message"] = "by index" });
        Assert.Contains("bravo →alpha: by index", await Call(alpha, "listen", new() { ["timeout_seconds"] = 5 }));
        Assert.Contains("#2  bravo", await Call(alpha, "roster"));
        Assert.Contains("to everyone", await Call(alpha, "history", new() { ["n"] = 10 }));
        Assert.Contains("Created channel", await Call(alpha, "create_channel", new() { ["retention"] = "none" }));
        Assert.Equal("left channel", await Call(alpha, "leave"));
        Assert.DoesNotContain("alpha", await Call(bravo, "roster"));
    }

    [Fact]
    public async Task A_wrong_bearer_on_the_per_channel_endpoint_is_refused()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, _) = await hub.CreateChannel();
        await Assert.ThrowsAnyAsync<Exception>(() => Connect($"{hub.Base}/mcp/{id}", "wrong-token"));
    }
}
