using System.Net;
using System.Net.Sockets;
using System.Text;
using RogerRat.Tests.Http;

namespace RogerRat.Tests.Integration;

/// <summary>What a hostile or careless client found on a live hub: unreadable JSON strings, HEAD on the consuming
/// routes, encoded slashes, and the last response before shutdown.</summary>
public class HubHostileInputTests
{
    private static async Task<string> Exchange(LiveHub hub, string method, string target, byte[] body, params string[] headers)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(hub.Server.LocalEndPoint);
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        foreach (var h in headers) head.Append(h).Append("\r\n");
        if (body.Length > 0) head.Append($"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n");
        head.Append("\r\n");
        await s.SendAsync(Encoding.ASCII.GetBytes(head.ToString()).Concat(body).ToArray(), SocketFlags.None);
        return await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(10));
    }

    // Bytes that are not UTF-8 (0xFF, an overlong '/', an encoded surrogate) and escapes that spell a lone surrogate.
    public static TheoryData<string> UnreadableStrings() => ["\xff", "\xc0\xaf", "\xed\xa0\x80", "\\ud800", "\\udfff x", "ok\\ud800"];

    private static byte[] Json(string template, string bad) => Encoding.Latin1.GetBytes(template.Replace("BAD", bad, StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(UnreadableStrings))]
    public async Task Unreadable_json_strings_are_bad_input_on_every_route_never_500(string bad)
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var sid = await hub.Join(id, token, "alpha");
        var auth = $"Authorization: Bearer {token}";
        var session = $"X-Session-Id: {sid}";

        // A string that is not text makes the whole body invalid JSON, on every route that reads one.
        var create = await Exchange(hub, "POST", "/api/channels", Json("""{"retention":"BAD"}""", bad));
        var send = await Exchange(hub, "POST", $"/api/channels/{id}/send", Json("""{"to":"all","message":"BAD"}""", bad), auth, session);
        var join = await Exchange(hub, "POST", $"/api/channels/{id}/join", Json("""{"callsign":"BAD"}""", bad), auth);
        var keyed = await Exchange(hub, "POST", $"/api/channels/{id}/send", Json("""{"BAD":1,"message":"hi"}""", bad), auth, session);
        foreach (var r in new[] { create, send, join, keyed })
        {
            Assert.Equal(400, RawHttp.Status(r));
            Assert.Contains("\"code\":\"invalid_json\"", r);
        }

        foreach (var path in new[] { "/mcp", $"/mcp/{id}" })
        {
            string[] mcp = ["Accept: application/json, text/event-stream", auth];
            var badId = await Exchange(hub, "POST", path, Json("""{"jsonrpc":"2.0","id":"BAD","method":"tools/list"}""", bad), mcp);
            var badMethod = await Exchange(hub, "POST", path, Json("""{"jsonrpc":"2.0","id":1,"method":"BAD"}""", bad), mcp);
            foreach (var r in new[] { badId, badMethod })
            {
                Assert.Equal(400, RawHttp.Status(r));
                Assert.Contains("-32700", r); // JSON-RPC parse error
            }
        }
    }

    [Fact]
    public async Task A_body_with_a_byte_order_mark_and_escapes_still_parses()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var sid = await hub.Join(id, token, "alpha");
        byte[] body = [0xEF, 0xBB, 0xBF, .. """{"to":"all","message":"line\nnext \ud83d\ude00 \u00e9"}"""u8];
        var r = await Exchange(hub, "POST", $"/api/channels/{id}/send", body, $"Authorization: Bearer {token}", $"X-Session-Id: {sid}");
        Assert.Equal(200, RawHttp.Status(r));
        var (_, history) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/history", token: token);
        Assert.Equal("line\nnext \U0001F600 é", history.GetProperty("history")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("listen")]
    [InlineData("wait")]
    public async Task Head_on_a_consuming_route_is_405_and_takes_nothing(string route)
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var a = await hub.Join(id, token, "alpha");
        var b = await hub.Join(id, token, "bravo");
        await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"bravo","message":"still here"}""", token, a);

        var head = await Exchange(hub, "HEAD", $"/api/channels/{id}/{route}?timeout=1", [], $"Authorization: Bearer {token}", $"X-Session-Id: {b}");
        Assert.Equal(405, RawHttp.Status(head));
        Assert.Contains("\r\nAllow: GET\r\n", head);
        var options = await Exchange(hub, "OPTIONS", $"/api/channels/{id}/{route}", []);
        Assert.Contains("\r\nAllow: GET, OPTIONS\r\n", options);

        var (_, json) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/{route}?timeout=1", token: token, sid: b);
        Assert.Equal("still here", json.GetProperty("messages")[0].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("listen?timeout=1%00")]
    [InlineData("listen?since=3%00")]
    [InlineData("wait?timeout=%001")]
    public async Task A_number_with_a_nul_in_the_query_is_no_number(string query)
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var b = await hub.Join(id, token, "bravo");
        var r = await Exchange(hub, "GET", $"/api/channels/{id}/{query}", [], $"Authorization: Bearer {token}", $"X-Session-Id: {b}");
        Assert.Equal(400, RawHttp.Status(r));
        var history = await Exchange(hub, "GET", $"/api/channels/{id}/history?n=5%00", [], $"Authorization: Bearer {token}");
        Assert.Equal(400, RawHttp.Status(history));
    }

    [Fact]
    public async Task A_405_on_a_get_route_allows_head_too()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, _) = await hub.CreateChannel();
        foreach (var target in new[] { $"/api/channels/{id}", "/llms.txt", $"/api/channels/{id}/roster" })
        {
            var r = await Exchange(hub, "PUT", target, []);
            Assert.Equal(405, RawHttp.Status(r));
            Assert.Contains("\r\nAllow: GET, HEAD\r\n", r);
            Assert.Contains("method not allowed; use GET", r);
        }
    }

    [Fact]
    public async Task An_encoded_slash_or_a_doubly_encoded_id_reaches_no_route()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var auth = $"Authorization: Bearer {token}";
        var body = """{"callsign":"alpha"}"""u8.ToArray();
        Assert.Equal(200, RawHttp.Status(await Exchange(hub, "POST", $"/api/channels/{id}/join", body, auth)));

        // "<id>%2Fjoin" is one segment, a channel path that takes no POST. Each character encoded twice is decoded once.
        Assert.Equal(405, RawHttp.Status(await Exchange(hub, "POST", $"/api/channels/{id}%2Fjoin", body, auth)));
        Assert.Equal(404, RawHttp.Status(await Exchange(hub, "GET", $"/api/channels/{id}%2fjoin", [], auth)));
        var twice = string.Concat(id.Select(c => $"%25{(int)c:X2}"));
        Assert.Equal(404, RawHttp.Status(await Exchange(hub, "GET", $"/api/channels/{twice}", [], auth)));
        var once = string.Concat(id.Select(c => $"%{(int)c:X2}"));
        Assert.Equal(200, RawHttp.Status(await Exchange(hub, "GET", $"/api/channels/{once}", [], auth)));
        Assert.Equal(404, RawHttp.Status(await Exchange(hub, "POST", $"/mcp/{twice}", """{"jsonrpc":"2.0","id":1,"method":"ping"}"""u8.ToArray(),
            "Accept: application/json, text/event-stream", auth)));
    }

    [Fact]
    public async Task A_listen_parked_at_shutdown_gets_an_empty_delivery_as_its_connections_last_response()
    {
        var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var parked = new List<(Socket Socket, Task<string> Response)>();
        for (var i = 0; i < 4; i++)
        {
            var b = await hub.Join(id, token, $"agent{i}");
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(hub.Server.LocalEndPoint);
            var route = i % 2 == 0 ? "listen" : "wait";
            await s.SendAsync(Encoding.ASCII.GetBytes($"GET /api/channels/{id}/{route}?timeout=60 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nX-Session-Id: {b}\r\n\r\n"), SocketFlags.None);
            parked.Add((s, RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(15))));
        }
        await Task.Delay(300); // parked
        await hub.DisposeAsync();
        foreach (var (s, response) in parked)
        {
            var r = await response;
            s.Dispose();
            Assert.Equal(200, RawHttp.Status(r));
            Assert.Contains("\r\nConnection: close\r\n", r);
            Assert.Contains("\"timed_out\":true", r.Replace(" ", "", StringComparison.Ordinal));
        }
    }
}
