using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RogerRat.Core;
using RogerRat.Core.Service;
using static RogerRat.Tests.Mcp.McpProtocolTests;

namespace RogerRat.Tests.Integration;

/// <summary>
/// Strict request input on both faces over one service layer: malformed JSON and non-object bodies, wrong field types
/// (refused naming the field, nothing stored), normalised callsigns, integer cursors, idempotency keys, and the join
/// rate limit applied before the owner-password check. REST answers are asserted by status and code; MCP answers by the
/// JSON-RPC error or the tool result's isError and text.
/// </summary>
public class StrictInputBothFacesTests
{
    // ---------- helpers ----------

    private sealed record RestReply(int Status, string Body, HttpResponseMessage Raw)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
        public string Code => Json.GetProperty("code").GetString()!;
        public string Error => Json.GetProperty("error").GetString()!;
    }

    /// <summary>POSTs raw bytes as application/json (LiveHub.Send cannot send invalid UTF-8).</summary>
    private static async Task<RestReply> PostBytes(LiveHub hub, string path, byte[] body, string? token = null, string? sid = null,
        Dictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (sid is not null) request.Headers.Add("X-Session-Id", sid);
        foreach (var (k, v) in headers ?? []) request.Headers.TryAddWithoutValidation(k, v);
        var response = await hub.Client.SendAsync(request);
        return new RestReply((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static Task<RestReply> PostText(LiveHub hub, string path, string body, string? token = null, string? sid = null,
        Dictionary<string, string>? headers = null) => PostBytes(hub, path, Encoding.UTF8.GetBytes(body), token, sid, headers);

    private static async Task<RestReply> Get(LiveHub hub, string path, string token, string? sid = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (sid is not null) request.Headers.Add("X-Session-Id", sid);
        var response = await hub.Client.SendAsync(request);
        return new RestReply((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static void AssertRestError(RestReply r, int status, string code, string? errorContains = null)
    {
        Assert.True(r.Status == status, $"expected {status} {code}, got {r.Status}: {r.Body}");
        Assert.Equal(code, r.Code);
        if (errorContains is not null) Assert.Contains(errorContains, r.Error);
    }

    private static async Task<int> HistoryCount(LiveHub hub, string id, string token)
    {
        var r = await Get(hub, $"/api/channels/{id}/history?n=100", token);
        Assert.Equal(200, r.Status);
        return r.Json.GetProperty("history").GetArrayLength();
    }

    private static async Task<string[]> Roster(LiveHub hub, string id, string token)
    {
        var r = await Get(hub, $"/api/channels/{id}/roster", token);
        Assert.Equal(200, r.Status);
        return [.. r.Json.GetProperty("roster").EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>A raw MCP session on the unified endpoint (or a per-channel one).</summary>
    private sealed class Mcp(LiveHub hub, string session, string path)
    {
        private int _id = 10;

        public static async Task<Mcp> Open(LiveHub hub, string path = "/mcp") => new(hub, await Initialize(hub, path: path), path);

        /// <summary>A unified session already joined to <paramref name="id"/> as <paramref name="callsign"/>.</summary>
        public static async Task<Mcp> Joined(LiveHub hub, string id, string token, string callsign)
        {
            var mcp = await Open(hub);
            await mcp.Join(id, token, callsign);
            return mcp;
        }

        /// <summary>Sends one raw JSON-RPC message on this session.</summary>
        public Task<Reply> Raw(string json) => Post(hub, json, session, path);

        /// <summary>tools/call with <paramref name="argumentsJson"/> written verbatim.</summary>
        public async Task<JsonElement> Call(string tool, string argumentsJson)
        {
            var r = await Raw($$"""{"jsonrpc":"2.0","id":{{++_id}},"method":"tools/call","params":{"name":"{{tool}}","arguments":""" + argumentsJson + "}}");
            Assert.True(r.Status == System.Net.HttpStatusCode.OK, $"{tool}: HTTP {(int)r.Status} {r.Body}");
            return r.Json;
        }

        /// <summary>The tool result's text; asserts whether it is an error.</summary>
        public async Task<string> Tool(string tool, string argumentsJson, bool isError)
        {
            var json = await Call(tool, argumentsJson);
            Assert.True(json.TryGetProperty("result", out var result), $"{tool}: no result: {json}");
            var text = string.Join("\n", result.GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()));
            Assert.True(result.GetProperty("isError").GetBoolean() == isError, $"{tool}: expected isError={isError}: {text}");
            return text;
        }

        public Task<string> Join(string id, string token, string callsign, bool isError = false, string? ownerPassword = null) =>
            Tool("join", JoinArgs(id, token, callsign, ownerPassword), isError);
    }

    private static string JoinArgs(string id, string token, string callsign, string? ownerPassword = null) =>
        JsonSerializer.Serialize(new Dictionary<string, string?> { ["channel_id"] = id, ["token"] = token, ["callsign"] = callsign, ["owner_password"] = ownerPassword }
            .Where(kv => kv.Value is not null).ToDictionary());

    private static async Task<(LiveHub Hub, string Id, string Token)> HubWithChannel(Action<RogerRat.Http.Api.HubServerOptions>? configure = null)
    {
        var hub = await LiveHub.StartAsync(configure);
        var (id, token) = await hub.CreateChannel();
        return (hub, id, token);
    }

    /// <summary>A hub with one channel that alpha joined over REST.</summary>
    private static async Task<(LiveHub Hub, string Id, string Token, string Sid)> HubWithAlpha()
    {
        var (hub, id, token) = await HubWithChannel();
        return (hub, id, token, await hub.Join(id, token, "alpha"));
    }

    // ---------- 1. invalid JSON and non-object bodies ----------

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{not json", HubErrors.InvalidJson },
        { "{} x", HubErrors.InvalidJson },
        { "{\"message\":\"\\ud800\",\"callsign\":\"\\ud800\"}", HubErrors.InvalidJson },
        { "[]", HubErrors.InvalidBody },
        { "5", HubErrors.InvalidBody },
        { "\"s\"", HubErrors.InvalidBody },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task StrictInput_rest_create_join_and_send_refuse_bad_bodies_with_their_code(string body, string code)
    {
        var (hub, id, token, sid) = await HubWithAlpha();
        await using var scope = hub;

        AssertRestError(await PostText(hub, "/api/channels", body), 400, code);
        AssertRestError(await PostText(hub, $"/api/channels/{id}/join", body, token, "rest-session-0002"), 400, code);
        AssertRestError(await PostText(hub, $"/api/channels/{id}/send", body, token, sid), 400, code);

        Assert.Equal(["alpha"], await Roster(hub, id, token));
        Assert.Equal(0, await HistoryCount(hub, id, token));
        Assert.Equal(1L, hub.Server.Hub.Stats.ChannelsCreated);
    }

    [Fact]
    public async Task StrictInput_rest_empty_bodies_read_as_an_empty_object()
    {
        var (hub, id, token) = await HubWithChannel();
        await using var scope = hub;
        var created = await PostBytes(hub, "/api/channels", []);
        Assert.Equal(200, created.Status);
        Assert.Equal("none", created.Json.GetProperty("retention").GetString());
        Assert.Equal("untrusted", created.Json.GetProperty("trust_mode").GetString());
        Assert.False(created.Json.GetProperty("has_owner_password").GetBoolean());

        // Join and send with {} are field errors, not body errors.
        AssertRestError(await PostBytes(hub, $"/api/channels/{id}/join", [], token), 400, HubErrors.Invalid, "callsign required");
        var sid = await hub.Join(id, token, "alpha");
        AssertRestError(await PostBytes(hub, $"/api/channels/{id}/send", [], token, sid), 400, HubErrors.Invalid, "message text required");
    }

    [Fact]
    public async Task StrictInput_rest_lone_surrogate_message_and_invalid_utf8_join_are_invalid_json_not_field_errors()
    {
        var (hub, id, token, sid) = await HubWithAlpha();
        await using var scope = hub;

        var surrogate = await PostText(hub, $"/api/channels/{id}/send", """{"to":"all","message":"\ud800"}""", token, sid);
        AssertRestError(surrogate, 400, HubErrors.InvalidJson);
        Assert.DoesNotContain("message text required", surrogate.Error);

        byte[] invalidUtf8 = [.. "{\"callsign\":\"br"u8, 0xC3, 0x28, .. "avo\"}"u8];
        var join = await PostBytes(hub, $"/api/channels/{id}/join", invalidUtf8, token);
        AssertRestError(join, 400, HubErrors.InvalidJson);
        Assert.DoesNotContain("callsign required", join.Error);

        Assert.Equal(0, await HistoryCount(hub, id, token));
        Assert.Equal(["alpha"], await Roster(hub, id, token));
    }

    [Fact]
    public async Task StrictInput_mcp_parse_errors_are_answered_for_the_whole_message()
    {
        var (hub, id, token) = await HubWithChannel();
        await using var scope = hub;
        var mcp = await Mcp.Open(hub);
        foreach (var bad in new[] { "{not json", "{} x" })
        {
            var r = await mcp.Raw(bad);
            Assert.Equal(-32700, r.Json.GetProperty("error").GetProperty("code").GetInt32());
            Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("id").ValueKind);
        }
        // A lone surrogate inside the arguments makes the whole message unreadable, as for REST bodies.
        var surrogate = await mcp.Raw("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"join\",\"arguments\":"
            + "{\"channel_id\":\"" + id + "\",\"token\":\"" + token + "\",\"callsign\":\"\\ud800\"}}}");
        Assert.Equal(-32700, surrogate.Json.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Empty(await Roster(hub, id, token));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("[]")]
    [InlineData("\"s\"")]
    [InlineData("true")]
    public async Task StrictInput_mcp_arguments_that_are_not_an_object_are_invalid_params_and_store_nothing(string arguments)
    {
        var (hub, id, token) = await HubWithChannel();
        await using var scope = hub;
        var mcp = await Mcp.Joined(hub, id, token, "alpha");
        foreach (var tool in new[] { "send", "join", "create_channel", "listen" })
        {
            var json = await mcp.Call(tool, arguments);
            Assert.False(json.TryGetProperty("result", out _), $"{tool} with arguments {arguments} succeeded: {json}");
            var error = json.GetProperty("error");
            Assert.Equal(-32602, error.GetProperty("code").GetInt32());
            Assert.Contains("arguments must be an object", error.GetProperty("message").GetString());
        }
        Assert.Equal(0, await HistoryCount(hub, id, token));
        Assert.Equal(1L, hub.Server.Hub.Stats.ChannelsCreated);
    }

    // ---------- 2. wrong types are refused naming the field ----------

    public static TheoryData<string, string> WrongSendTypes => new()
    {
        { """{"to":"all","message":{"a":1}}""", "message must be a string" },
        { """{"to":"all","message":true}""", "message must be a string" },
        { """{"to":"all","message":5}""", "message must be a string" },
        { """{"to":1,"message":"hi"}""", "to must be a string" },
        { """{"to":["all"],"message":"hi"}""", "to must be a string" },
        { """{"to":"all","text":false}""", "text must be a string" },
    };

    [Theory]
    [MemberData(nameof(WrongSendTypes))]
    public async Task StrictInput_wrong_send_types_are_refused_naming_the_field_on_both_faces(string body, string error)
    {
        var (hub, id, token, sid) = await HubWithAlpha();
        await using var scope = hub;
        AssertRestError(await PostText(hub, $"/api/channels/{id}/send", body, token, sid), 400, HubErrors.Invalid, error);

        var mcp = await Mcp.Joined(hub, id, token, "bravo");
        Assert.Contains(error, await mcp.Tool("send", body, isError: true));

        Assert.Equal(0, await HistoryCount(hub, id, token));
    }

    [Theory]
    [InlineData("""["a"]""")]
    [InlineData("""{"name":"a"}""")]
    [InlineData("7")]
    [InlineData("true")]
    public async Task StrictInput_a_callsign_of_another_type_is_refused_naming_it_and_nobody_joins(string callsign)
    {
        var (hub, id, token) = await HubWithChannel();
        await using var scope = hub;
        AssertRestError(await PostText(hub, $"/api/channels/{id}/join", $$"""{"callsign":{{callsign}}}""", token), 400, HubErrors.Invalid,
            "callsign must be a string");

        var mcp = await Mcp.Open(hub);
        var text = await mcp.Tool("join", $$"""{"channel_id":"{{id}}","token":"{{token}}","callsign":{{callsign}}}""", isError: true);
        Assert.Contains("callsign must be a string", text);

        Assert.Empty(await Roster(hub, id, token));
        // The refused MCP join bound nothing: a send says "not joined", it does not send as some coerced callsign.
        Assert.Contains("not joined", await mcp.Tool("send", """{"message":"hi"}""", isError: true));
        Assert.Equal(0L, hub.Server.Hub.Stats.JoinsTotal);
    }

    // ---------- 3. join answers the normalised callsign ----------

    [Theory]
    [InlineData("ALPHA")]
    [InlineData(" alpha")]
    [InlineData("Alpha ")]
    public async Task StrictInput_join_answers_the_normalised_callsign_on_both_faces(string callsign)
    {
        var (hub, id, token) = await HubWithChannel();
        await using var scope = hub;
        var rest = await PostText(hub, $"/api/channels/{id}/join", JsonSerializer.Serialize(new { callsign }), token);
        Assert.Equal(200, rest.Status);
        Assert.Equal("alpha", rest.Json.GetProperty("callsign").GetString());
        Assert.Equal(["alpha"], rest.Json.GetProperty("roster").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var (id2, token2) = await hub.CreateChannel();
        var mcp = await Mcp.Open(hub);
        var text = await mcp.Join(id2, token2, callsign);
        Assert.Contains($"Joined channel {id2} as alpha", text);
        Assert.DoesNotContain($"as {callsign}", text.Replace("as alpha", ""));
        Assert.Equal(["alpha"], await Roster(hub, id2, token2));
    }

    // ---------- 4. since is an integer ----------

    private const string BeyondDouble = "9007199254740993"; // 2^53 + 1: a double reads it as ...992

    [Fact]
    public async Task StrictInput_rest_since_is_parsed_as_an_integer()
    {
        var (hub, id, token, sid) = await HubWithAlpha();
        await using var scope = hub;
        string Listen(string since) => $"/api/channels/{id}/listen?timeout=1&since={since}";

        var big = await Get(hub, Listen(BeyondDouble), token, sid);
        Assert.Equal(200, big.Status);
        var cursor = big.Json.GetProperty("cursor");
        Assert.Equal(JsonValueKind.Number, cursor.ValueKind);
        Assert.True(cursor.TryGetInt64(out var c), $"cursor is no integer: {cursor.GetRawText()}");
        Assert.True(c >= 9007199254740993L, $"cursor {c} below since {BeyondDouble}");
        Assert.DoesNotContain("e+", cursor.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(".", cursor.GetRawText(), StringComparison.Ordinal);

        AssertRestError(await Get(hub, Listen("99999999999999999999999"), token, sid), 400, HubErrors.Invalid, "since must be");
        AssertRestError(await Get(hub, Listen("1.5"), token, sid), 400, HubErrors.Invalid, "since must be");
        AssertRestError(await Get(hub, Listen("1e3"), token, sid), 400, HubErrors.Invalid, "since must be");

        // A negative cursor reads as 0: a message sent before is delivered, as with since=0.
        var bravo = await hub.Join(id, token, "bravo");
        Assert.Equal(200, (await PostText(hub, $"/api/channels/{id}/send", """{"to":"alpha","message":"m1"}""", token, bravo)).Status);
        var negative = await Get(hub, Listen("-3"), token, sid);
        Assert.Equal(200, negative.Status);
        Assert.Equal("m1", Assert.Single(negative.Json.GetProperty("messages").EnumerateArray()).GetProperty("text").GetString());
        var zero = await Get(hub, Listen("0"), token, sid);
        Assert.Equal(negative.Json.GetProperty("cursor").GetInt64(), zero.Json.GetProperty("cursor").GetInt64());
    }

    [Fact]
    public async Task StrictInput_mcp_since_is_parsed_as_an_integer()
    {
        var (hub, id, token) = await HubWithChannel();
        await using var scope = hub;
        var mcp = await Mcp.Joined(hub, id, token, "alpha");

        var json = await mcp.Call("listen", $$"""{"timeout_seconds":1,"since":{{BeyondDouble}}}""");
        var result = json.GetProperty("result");
        Assert.False(result.GetProperty("isError").GetBoolean(), json.ToString());
        Assert.Contains($"cursor: {BeyondDouble}", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(9007199254740993L, result.GetProperty("structuredContent").GetProperty("cursor").GetInt64());

        foreach (var since in new[] { "1e400", "99999999999999999999999", "1.5", "\"abc\"", "true" })
        {
            var text = await mcp.Tool("listen", $$"""{"timeout_seconds":1,"since":{{since}}}""", isError: true);
            Assert.Contains("since must be", text);
        }
    }

    // ---------- 5. idempotency ----------
    // The 422 for a key reused with a different body is being added to the engine concurrently; until it lands the
    // different-body halves fail (the second send is answered as a replay of the first).

    [Fact]
    public async Task StrictInput_rest_idempotency_key_replays_the_same_body_and_refuses_another()
    {
        var (hub, id, token, sid) = await HubWithAlpha();
        await using var scope = hub;
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "retry-1" };
        var path = $"/api/channels/{id}/send";

        var first = await PostText(hub, path, """{"to":"all","message":"once"}""", token, sid, key);
        Assert.Equal(200, first.Status);
        Assert.False(first.Json.TryGetProperty("replayed", out _));
        var again = await PostText(hub, path, """{"to":"all","message":"once"}""", token, sid, key);
        Assert.Equal(200, again.Status);
        Assert.True(again.Json.GetProperty("replayed").GetBoolean());
        Assert.Equal(first.Json.GetProperty("id").GetInt64(), again.Json.GetProperty("id").GetInt64());

        var other = await PostText(hub, path, """{"to":"all","message":"something else"}""", token, sid, key);
        AssertRestError(other, 422, HubErrors.IdempotencyKeyReused);
        var history = (await Get(hub, $"/api/channels/{id}/history?n=100", token)).Json.GetProperty("history");
        Assert.Equal("once", Assert.Single(history.EnumerateArray()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task StrictInput_mcp_idempotency_key_replays_the_same_arguments_and_refuses_others()
    {
        var (hub, id, token) = await HubWithChannel();
        await using var scope = hub;
        var mcp = await Mcp.Joined(hub, id, token, "alpha");

        var first = await mcp.Tool("send", """{"to":"all","message":"once","idempotency_key":"retry-1"}""", isError: false);
        Assert.DoesNotContain("idempotent retry", first);
        var again = await mcp.Tool("send", """{"to":"all","message":"once","idempotency_key":"retry-1"}""", isError: false);
        Assert.Contains("(idempotent retry: already sent)", again);
        Assert.Equal(first.Split(' ')[1], again.Split(' ')[1]); // "sent #<id> to all"

        await mcp.Tool("send", """{"to":"all","message":"something else","idempotency_key":"retry-1"}""", isError: true);
        var history = (await Get(hub, $"/api/channels/{id}/history?n=100", token)).Json.GetProperty("history");
        Assert.Equal("once", Assert.Single(history.EnumerateArray()).GetProperty("text").GetString());
    }

    // ---------- 6. owner-password guessing is rate limited on both faces ----------

    private const string OwnerPassword = "s3cret-pass";

    private static async Task<(LiveHub Hub, string Id, string Token)> GuardedChannel()
    {
        var hub = await LiveHub.StartAsync(o => o.Service.RateLimits = new RateLimits(0, 0, 0, 3));
        var created = await PostText(hub, "/api/channels", $$"""{"owner_password":"{{OwnerPassword}}","trust_mode":"trusted"}""");
        Assert.Equal(200, created.Status);
        return (hub, created.Json.GetProperty("channel_id").GetString()!, created.Json.GetProperty("join_token").GetString()!);
    }

    [Fact]
    public async Task StrictInput_rest_owner_password_guessing_is_rate_limited()
    {
        var (hub, id, token) = await GuardedChannel();
        await using var scope = hub;
        string Body(int i, string password) => $$"""{"callsign":"guess{{i}}","owner_password":"{{password}}"}""";
        for (var i = 0; i < 3; i++)
        {
            AssertRestError(await PostText(hub, $"/api/channels/{id}/join", Body(i, "wrong-" + i), token), 401, HubErrors.Unauthorized, "owner_password did not match");
        }
        var limited = await PostText(hub, $"/api/channels/{id}/join", Body(3, "wrong-3"), token);
        AssertRestError(limited, 429, HubErrors.RateLimited, "rate limit exceeded");
        Assert.True(int.Parse(limited.Raw.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        // Even the right password is refused now: the limit comes before the password check.
        AssertRestError(await PostText(hub, $"/api/channels/{id}/join", Body(4, OwnerPassword), token), 429, HubErrors.RateLimited);
        Assert.Empty(await Roster(hub, id, token));
    }

    [Fact]
    public async Task StrictInput_mcp_owner_password_guessing_is_rate_limited_before_the_password_check()
    {
        var (hub, id, token) = await GuardedChannel();
        await using var scope = hub;
        var mcp = await Mcp.Open(hub);
        for (var i = 0; i < 3; i++)
        {
            var text = await mcp.Join(id, token, "guess" + i, isError: true, ownerPassword: "wrong-" + i);
            Assert.Contains("owner_password did not match", text);
        }
        // Before the service layer the MCP join checked the password first: this 4th guess answered "did not match".
        var limited = await mcp.Join(id, token, "guess3", isError: true, ownerPassword: "wrong-3");
        Assert.Contains("rate limit exceeded", limited);
        Assert.DoesNotContain("owner_password did not match", limited);
        Assert.Contains("rate limit exceeded", await mcp.Join(id, token, "guess4", isError: true, ownerPassword: OwnerPassword));
        Assert.Empty(await Roster(hub, id, token));
    }

    [Fact]
    public async Task StrictInput_the_join_limit_is_shared_by_both_faces()
    {
        var (hub, id, token) = await GuardedChannel();
        await using var scope = hub;
        AssertRestError(await PostText(hub, $"/api/channels/{id}/join", """{"callsign":"a","owner_password":"nope-nope"}""", token), 401, HubErrors.Unauthorized);
        var mcp = await Mcp.Open(hub);
        Assert.Contains("owner_password did not match", await mcp.Join(id, token, "b", isError: true, ownerPassword: "nope-nope"));
        AssertRestError(await PostText(hub, $"/api/channels/{id}/join", """{"callsign":"c","owner_password":"nope-nope"}""", token), 401, HubErrors.Unauthorized);
        Assert.Contains("rate limit exceeded", await mcp.Join(id, token, "d", isError: true, ownerPassword: "nope-nope"));
        AssertRestError(await PostText(hub, $"/api/channels/{id}/join", """{"callsign":"e"}""", token), 429, HubErrors.RateLimited);
    }

    // ---------- 7. MCP ids we cannot read ----------

    [Theory]
    [InlineData("1e400")]
    [InlineData("123456789012345678901234567890")]
    public async Task StrictInput_mcp_an_unreadable_id_is_answered_as_null(string id)
    {
        await using var hub = await LiveHub.StartAsync();
        var mcp = await Mcp.Open(hub);
        var r = await mcp.Raw($$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/list"}""");
        Assert.True(r.Json.TryGetProperty("error", out _), r.Body);
        Assert.False(r.Json.TryGetProperty("result", out _), r.Body);
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("id").ValueKind);
        Assert.DoesNotContain(id, r.Body);
    }
}
