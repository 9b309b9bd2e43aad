using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Mcp;

/// <summary>Streamable HTTP and JSON-RPC behaviour of /mcp at the wire level.</summary>
public class McpProtocolTests
{
    internal sealed record Reply(HttpStatusCode Status, string Body, HttpResponseMessage Raw)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    internal static async Task<Reply> Post(LiveHub hub, string json, string? session = null, string path = "/mcp",
        string accept = "application/json, text/event-stream", Dictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (session is not null) request.Headers.Add("Mcp-Session-Id", session);
        foreach (var (k, v) in headers ?? []) request.Headers.TryAddWithoutValidation(k, v);
        var response = await hub.Client.SendAsync(request);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    internal static async Task<string> Initialize(LiveHub hub, string version = "2025-11-25", string path = "/mcp", Dictionary<string, string>? headers = null)
    {
        var r = await Post(hub, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}", path: path, headers: headers);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        return r.Raw.Headers.GetValues("Mcp-Session-Id").Single();
    }

    [Theory]
    [InlineData("2025-03-26", "2025-03-26")]
    [InlineData("2025-06-18", "2025-06-18")]
    [InlineData("2025-11-25", "2025-11-25")]
    [InlineData("2024-11-05", "2025-11-25")]
    public async Task Initialize_negotiates_the_version(string asked, string answered)
    {
        await using var hub = await LiveHub.StartAsync();
        var r = await Post(hub, $$$"""{"jsonrpc":"2.0","id":"a","method":"initialize","params":{"protocolVersion":"{{{asked}}}"}}""");
        Assert.Equal(answered, r.Json.GetProperty("result").GetProperty("protocolVersion").GetString());
        Assert.Equal("a", r.Json.GetProperty("id").GetString());
        Assert.Equal("rogerrat", r.Json.GetProperty("result").GetProperty("serverInfo").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_client_supplied_session_id_is_ignored()
    {
        await using var hub = await LiveHub.StartAsync();
        var r = await Post(hub, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""", session: "chosen-by-the-client");
        Assert.NotEqual("chosen-by-the-client", r.Raw.Headers.GetValues("Mcp-Session-Id").Single());
    }

    [Fact]
    public async Task Session_rules_400_404_202_and_delete()
    {
        await using var hub = await LiveHub.StartAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(hub, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Post(hub, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", "no-such-session")).Status);
        var sid = await Initialize(hub);
        var note = await Post(hub, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", sid);
        Assert.Equal(HttpStatusCode.Accepted, note.Status);
        Assert.Equal("", note.Body);
        Assert.Equal(HttpStatusCode.Accepted, (await Post(hub, """{"jsonrpc":"2.0","id":99,"result":{}}""", sid)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Post(hub, """{"jsonrpc":"2.0","id":3,"method":"ping"}""", sid)).Status);

        var delete = new HttpRequestMessage(HttpMethod.Delete, "/mcp");
        delete.Headers.Add("Mcp-Session-Id", sid);
        Assert.Equal(HttpStatusCode.OK, (await hub.Client.SendAsync(delete)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Post(hub, """{"jsonrpc":"2.0","id":4,"method":"ping"}""", sid)).Status);
    }

    [Fact]
    public async Task Errors_use_the_standard_codes()
    {
        await using var hub = await LiveHub.StartAsync();
        var parse = await Post(hub, "{not json");
        Assert.Equal(HttpStatusCode.BadRequest, parse.Status);
        Assert.Equal(-32700, parse.Json.GetProperty("error").GetProperty("code").GetInt32());
        var invalid = await Post(hub, """{"jsonrpc":"1.0","id":1,"method":"ping"}""");
        Assert.Equal(-32600, invalid.Json.GetProperty("error").GetProperty("code").GetInt32());
        var nullId = await Post(hub, """{"jsonrpc":"2.0","id":null,"method":"ping"}""");
        Assert.Equal(-32600, nullId.Json.GetProperty("error").GetProperty("code").GetInt32());

        var discover = await Post(hub, """{"jsonrpc":"2.0","id":7,"method":"server/discover"}""");
        Assert.Equal(HttpStatusCode.OK, discover.Status);
        Assert.Equal(-32601, discover.Json.GetProperty("error").GetProperty("code").GetInt32());

        var sid = await Initialize(hub);
        var unknown = await Post(hub, """{"jsonrpc":"2.0","id":8,"method":"nope/nope"}""", sid);
        Assert.Equal(-32601, unknown.Json.GetProperty("error").GetProperty("code").GetInt32());
        var badTool = await Post(hub, """{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"teleport","arguments":{}}}""", sid);
        Assert.Equal(-32602, badTool.Json.GetProperty("error").GetProperty("code").GetInt32());
        var toolFailure = await Post(hub, """{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"send","arguments":{"message":"x"}}}""", sid);
        Assert.True(toolFailure.Json.GetProperty("result").GetProperty("isError").GetBoolean());
    }

    [Fact]
    public async Task Protocol_version_header_and_batches()
    {
        await using var hub = await LiveHub.StartAsync();
        var sid = await Initialize(hub);
        var bad = await Post(hub, """{"jsonrpc":"2.0","id":1,"method":"ping"}""", sid, headers: new() { ["MCP-Protocol-Version"] = "1999-01-01" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(hub, """[{"jsonrpc":"2.0","id":1,"method":"ping"}]""", sid)).Status);

        var old = await Initialize(hub, "2025-03-26");
        var batch = await Post(hub, """[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"tools/list"}]""", old);
        Assert.Equal(HttpStatusCode.OK, batch.Status);
        Assert.Equal(2, batch.Json.GetArrayLength());
    }

    [Fact]
    public async Task Foreign_origins_get_403_and_loopback_ones_pass()
    {
        await using var hub = await LiveHub.StartAsync();
        var evil = await Post(hub, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""", headers: new() { ["Origin"] = "https://evil.example" });
        Assert.Equal(HttpStatusCode.Forbidden, evil.Status);
        var local = await Post(hub, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}""", headers: new() { ["Origin"] = "http://localhost:3000" });
        Assert.Equal(HttpStatusCode.OK, local.Status);
    }

    [Fact]
    public async Task Get_is_405()
    {
        await using var hub = await LiveHub.StartAsync();
        var r = await hub.Client.GetAsync("/mcp");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        Assert.Equal("nosniff", r.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Sse_only_accept_gets_a_stream_with_priming_and_progress_tokens_get_notifications()
    {
        await using var hub = await LiveHub.StartAsync();
        var sid = await Initialize(hub);
        var r = await Post(hub, """{"jsonrpc":"2.0","id":5,"method":"tools/list"}""", sid, accept: "text/event-stream");
        Assert.Equal("text/event-stream", r.Raw.Content.Headers.ContentType?.MediaType);
        Assert.Contains("data: \n", r.Body);
        Assert.Contains("\"tools\"", r.Body);
    }

    [Fact]
    public async Task An_mcp_listen_whose_response_never_arrives_consumes_nothing()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var sender = await hub.Join(id, token, "alpha");
        var sid = await Initialize(hub);
        var join = await Post(hub, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"join\",\"arguments\":{\"channel_id\":\"" + id + "\",\"token\":\"" + token + "\",\"callsign\":\"bravo\"}}}", sid);
        Assert.False(join.Json.GetProperty("result").GetProperty("isError").GetBoolean());

        // A raw client parks a listen, then disconnects; the message sent afterwards is kept for the next listen.
        using (var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            await s.ConnectAsync(hub.Server.LocalEndPoint);
            var body = """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"listen","arguments":{"timeout_seconds":30}}}""";
            var head = $"POST /mcp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAccept: application/json\r\nMcp-Session-Id: {sid}\r\nContent-Length: {body.Length}\r\n\r\n{body}";
            await s.SendAsync(Encoding.ASCII.GetBytes(head), System.Net.Sockets.SocketFlags.None);
            await Task.Delay(200);
        }
        await Task.Delay(200);
        await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"bravo","message":"still here"}""", token, sender);
        var listen = await Post(hub, """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"listen","arguments":{"timeout_seconds":5}}}""", sid);
        Assert.Contains("still here", listen.Body);
    }
}
