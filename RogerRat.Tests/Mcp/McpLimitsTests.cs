using System.Diagnostics;
using System.Net;
using System.Text;
using RogerRat.Tests.Integration;
using static RogerRat.Tests.Mcp.McpProtocolTests;

namespace RogerRat.Tests.Mcp;

/// <summary>What one MCP client may ask of the hub: batch length, subscriptions, and what ending a session releases.</summary>
public class McpLimitsTests
{
    private static string Batch(int n) =>
        "[" + string.Join(",", Enumerable.Range(1, n).Select(i => $$"""{"jsonrpc":"2.0","id":{{i}},"method":"ping"}""")) + "]";

    [Fact]
    public async Task A_batch_longer_than_the_limit_is_refused_whole()
    {
        await using var hub = await LiveHub.StartAsync();
        var sid = await Initialize(hub, "2025-03-26");
        var atLimit = await Post(hub, Batch(100), sid);
        Assert.Equal(HttpStatusCode.OK, atLimit.Status);
        Assert.Equal(100, atLimit.Json.GetArrayLength());
        var over = await Post(hub, Batch(101), sid);
        Assert.Equal(HttpStatusCode.BadRequest, over.Status);
        Assert.Equal(-32600, over.Json.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("at most 100", over.Body);
    }

    [Fact]
    public async Task Subscriptions_are_bounded_in_number_and_uri_length()
    {
        await using var hub = await LiveHub.StartAsync();
        var sid = await Initialize(hub);
        string Subscribe(string uri) => $$$"""{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"{{{uri}}}"}}""";
        for (var i = 0; i < 100; i++) Assert.Contains("\"result\"", (await Post(hub, Subscribe($"rogerrat://r/{i}"), sid)).Body);
        Assert.Contains("\"result\"", (await Post(hub, Subscribe("rogerrat://r/7"), sid)).Body); // again: no new entry
        var over = await Post(hub, Subscribe("rogerrat://r/100"), sid);
        Assert.Equal(-32602, over.Json.GetProperty("error").GetProperty("code").GetInt32());
        var sid2 = await Initialize(hub);
        var tooLong = await Post(hub, Subscribe("rogerrat://" + new string('u', 2049)), sid2);
        Assert.Equal(-32602, tooLong.Json.GetProperty("error").GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Deleting_a_session_takes_its_callsign_offline_and_answers_its_parked_listen(bool legacy)
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var path = legacy ? $"/mcp/{id}" : "/mcp";
        var auth = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" };
        var sid = await Initialize(hub, path: path, headers: auth);
        var join = legacy
            ? """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"join","arguments":{"callsign":"bravo"}}}"""
            : "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"join\",\"arguments\":{\"channel_id\":\"" + id + "\",\"token\":\"" + token + "\",\"callsign\":\"bravo\"}}}";
        Assert.DoesNotContain("\"isError\":true", (await Post(hub, join, sid, path, headers: auth)).Body);

        var clock = Stopwatch.StartNew();
        var parked = Post(hub, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"listen","arguments":{"timeout_seconds":30}}}""", sid, path, headers: auth);
        await Task.Delay(300);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, path);
        delete.Headers.Add("Mcp-Session-Id", sid);
        delete.Headers.Add("Authorization", $"Bearer {token}");
        Assert.Equal(HttpStatusCode.OK, (await hub.Client.SendAsync(delete)).StatusCode);

        await parked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the parked listen ran {clock.Elapsed}");
        var (_, roster) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/roster", token: token);
        Assert.DoesNotContain(roster.GetProperty("roster").EnumerateArray(), c => c.GetString() == "bravo");
        // The callsign is free again for a new session at once.
        await hub.Join(id, token, "bravo");
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("{}")]
    [InlineData("true")]
    public async Task An_mcp_listen_refuses_a_since_that_is_no_number_as_rest_does(string since)
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var sid = await Initialize(hub);
        var join = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"join\",\"arguments\":{\"channel_id\":\"" + id + "\",\"token\":\"" + token + "\",\"callsign\":\"bravo\"}}}";
        await Post(hub, join, sid);
        var clock = Stopwatch.StartNew();
        var r = await Post(hub, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"listen","arguments":{"timeout_seconds":5,"since":""" + since + "}}}", sid);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), "answered at once, not after listening");
        Assert.Contains("\"isError\":true", r.Body);
        Assert.Contains("since must be a numeric message id", r.Body);
    }
}
