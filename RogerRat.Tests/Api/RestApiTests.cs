using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Core.Service;

namespace RogerRat.Tests.Api;

/// <summary>The REST contract over real sockets: shapes, statuses, codes, the guards.</summary>
public sealed class RestApiTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _hubs = [];

    // The test's other client addresses arrive as X-Forwarded-For from a trusted loopback proxy, unless told otherwise.
    private ApiClient NewClient(HubServiceOptions? options = null, TimeProvider? time = null, string? origin = null, bool trustLoopbackProxy = true)
    {
        var hub = RogerRat.Tests.Integration.LiveHub.StartAsync(o =>
        {
            if (options is not null) o.Service = options;
            if (trustLoopbackProxy) o.TrustedProxies.Add(IPAddress.Loopback);
            if (time is not null) o.Time = time;
            if (origin is not null) o.Origin = origin;
        }).GetAwaiter().GetResult();
        _hubs.Add(hub);
        return new(hub.Client);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var h in _hubs) await h.DisposeAsync();
    }

    [Fact]
    public async Task Seed_session_flow_over_the_api()
    {
        var c = NewClient();
        var (id, token) = await c.Create();
        var a = await c.Join(id, token, "alpha");
        var b = await c.Join(id, token, "bravo");
        Assert.Equal(a, await c.Join(id, token, "alpha"));

        var sent = await c.Call("POST", $"/api/channels/{id}/send", """{"to":"all","message":"hello"}""", ApiClient.Auth(token, a));
        Assert.Equal(200, sent.Status);
        Assert.True(sent.Json.GetProperty("ok").GetBoolean());
        Assert.False(sent.Json.GetProperty("queued").GetBoolean());

        var heard = await c.Call("GET", $"/api/channels/{id}/listen?timeout=5", null, ApiClient.Auth(token, b));
        var messages = heard.Json.GetProperty("messages");
        Assert.Equal("hello", messages[0].GetProperty("text").GetString());
        Assert.Equal("alpha", messages[0].GetProperty("from").GetString());
        Assert.False(heard.Json.GetProperty("timed_out").GetBoolean());
        Assert.Equal(messages[0].GetProperty("id").GetInt64(), heard.Json.GetProperty("cursor").GetInt64());

        var again = await c.Call("GET", $"/api/channels/{id}/listen?timeout=1", null, ApiClient.Auth(token, b));
        Assert.Equal(0, again.Json.GetProperty("messages").GetArrayLength());
        Assert.True(again.Json.GetProperty("timed_out").GetBoolean());
    }

    [Theory]
    [InlineData("POST", "/api/channels/nope-nope-0000/join", 404, "not_found")]
    [InlineData("GET", "/api/channels/nope-nope-0000", 404, "not_found")]
    [InlineData("GET", "/no/such/route", 404, "not_found")]
    [InlineData("DELETE", "/api/channels", 405, "method_not_allowed")]
    public async Task Errors_are_json_with_a_code(string method, string path, int status, string code)
    {
        var r = await NewClient().Call(method, path);
        Assert.Equal(status, r.Status);
        Assert.Equal(code, r.Json.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(r.Json.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Bearer_session_and_tombstone_errors()
    {
        var c = NewClient();
        var (id, token) = await c.Create();
        Assert.Equal(401, (await c.Call("POST", $"/api/channels/{id}/join", """{"callsign":"a"}""", ApiClient.Auth("wrong"))).Status);
        Assert.Equal(401, (await c.Call("POST", $"/api/channels/{id}/join", """{"callsign":"a"}""")).Status);
        var noSid = await c.Call("POST", $"/api/channels/{id}/send", """{"message":"x"}""", ApiClient.Auth(token));
        Assert.Equal("X-Session-Id header required (returned by /join)", noSid.Json.GetProperty("error").GetString());
        var keepalive = await c.Call("POST", $"/api/channels/{id}/keepalive", null, ApiClient.Auth(token));
        Assert.Equal("X-Session-Id header required", keepalive.Json.GetProperty("error").GetString());

        var unknown = await c.Call("POST", $"/api/channels/{id}/send", """{"message":"x"}""", ApiClient.Auth(token, "never-joined-session"));
        Assert.Equal(400, unknown.Status);
        Assert.Equal("not_joined", unknown.Json.GetProperty("code").GetString());
        Assert.True(unknown.Json.TryGetProperty("hint", out _));

        var sid = await c.Join(id, token, "alpha");
        Assert.Equal(200, (await c.Call("POST", $"/api/channels/{id}/leave", null, ApiClient.Auth(token, sid))).Status);
        var gone = await c.Call("GET", $"/api/channels/{id}/listen?timeout=1", null, ApiClient.Auth(token, sid));
        Assert.Equal(410, gone.Status);
        Assert.Equal("session_expired", gone.Json.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("timeout=abc", "timeout must be a number of seconds")]
    [InlineData("since=abc", "since must be a numeric message id")]
    public async Task Listen_query_validation(string query, string message)
    {
        var c = NewClient();
        var (id, token) = await c.Create();
        var sid = await c.Join(id, token, "alpha");
        var r = await c.Call("GET", $"/api/channels/{id}/listen?{query}", null, ApiClient.Auth(token, sid));
        Assert.Equal(400, r.Status);
        Assert.Equal(message, r.Json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("""{"retention":"forever"}""", "invalid retention; must be one of none|metadata|prompts|full")]
    [InlineData("""{"retention":null}""", "invalid retention; must be one of none|metadata|prompts|full")]
    [InlineData("""{"trust_mode":"yes"}""", "invalid trust_mode; must be 'untrusted' or 'trusted'")]
    [InlineData("""{"owner_password":123}""", "owner_password must be a string (6-128 chars)")]
    [InlineData("""{"session_ttl_seconds":"60"}""", "session_ttl_seconds must be a positive number ≤ 86400 (24h)")]
    [InlineData("""{"trust_mode":"trusted"}""", "trust_mode='trusted' requires owner_password set (otherwise anyone with the token could command your agent)")]
    [InlineData("""{"require_identity":"yes"}""", "require_identity must be a boolean")]
    public async Task Create_validation(string body, string message)
    {
        var r = await NewClient().Call("POST", "/api/channels", body);
        Assert.Equal(400, r.Status);
        Assert.Equal(message, r.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Create_ignores_a_body_that_is_not_json()
    {
        var c = NewClient();
        var r = await c.Call("POST", "/api/channels", """{"retention":"full"}""", new() { ["Content-Type"] = "text/plain" });
        Assert.Equal("none", r.Json.GetProperty("retention").GetString());
    }

    [Theory]
    [InlineData("park.example.com", "metadata", "untrusted", 86400, false)]
    [InlineData("LIVE.example.com:8080", "none", "untrusted", 300, false)]
    [InlineData("go.example.com", "none", "trusted", 3600, true)]
    [InlineData("example.com", "none", "untrusted", 1800, false)]
    public async Task Presets_by_host(string host, string retention, string trust, int ttl, bool password)
    {
        var c = NewClient();
        var r = await c.Call("POST", "/api/channels", "{}", new() { ["Host"] = host });
        Assert.Equal(retention, r.Json.GetProperty("retention").GetString());
        Assert.Equal(trust, r.Json.GetProperty("trust_mode").GetString());
        Assert.Equal(ttl, r.Json.GetProperty("session_ttl_seconds").GetInt32());
        Assert.Equal(password, r.Json.GetProperty("has_owner_password").GetBoolean());
        Assert.Equal(password, r.Json.GetProperty("owner_password").ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task Send_rate_limit_answers_429_with_headers()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
        var c = NewClient(new HubServiceOptions { RateLimits = new RateLimits(3, 1, 0, 0) }, time);
        var (id, token) = await c.Create();
        var sid = await c.Join(id, token, "alpha");
        for (var i = 0; i < 3; i++)
        {
            var ok = await c.Call("POST", $"/api/channels/{id}/send", """{"message":"x"}""", ApiClient.Auth(token, sid));
            Assert.Equal(200, ok.Status);
            Assert.Equal((2 - i).ToString(), ok.Header("X-RateLimit-Remaining"));
        }
        var limited = await c.Call("POST", $"/api/channels/{id}/send", """{"message":"x"}""", ApiClient.Auth(token, sid));
        Assert.Equal(429, limited.Status);
        Assert.Equal("rate_limited", limited.Json.GetProperty("code").GetString());
        Assert.Equal("rate limit exceeded (3 msg/min per IP)", limited.Json.GetProperty("error").GetString());
        Assert.Equal("60", limited.Header("Retry-After"));
        Assert.Equal(60, limited.Json.GetProperty("retry_after_seconds").GetInt32());
        // Another address has its own bucket; the window slides.
        Assert.Equal(200, (await c.Call("POST", $"/api/channels/{id}/send", """{"message":"x"}""", ApiClient.Auth(token, sid), remote: IPAddress.Parse("10.0.0.9"))).Status);
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(200, (await c.Call("POST", $"/api/channels/{id}/send", """{"message":"x"}""", ApiClient.Auth(token, sid))).Status);
    }

    [Fact]
    public async Task Hub_token_guards_creation_and_channel_routes_but_not_discovery()
    {
        var c = NewClient(new HubServiceOptions { HubToken = "hub-secret" });
        Assert.Equal(401, (await c.Call("POST", "/api/channels", "{}")).Status);
        Assert.Equal(200, (await c.Call("GET", "/healthz")).Status);
        Assert.Equal(200, (await c.Call("GET", "/llms.txt")).Status);
        var created = await c.Call("POST", "/api/channels", "{}", new() { ["Authorization"] = "Bearer hub-secret" });
        Assert.Equal(200, created.Status);
        var id = created.Json.GetProperty("channel_id").GetString();
        var token = created.Json.GetProperty("join_token").GetString()!;
        Assert.Equal(401, (await c.Call("POST", $"/api/channels/{id}/join", """{"callsign":"a"}""", ApiClient.Auth(token))).Status);
        var h = ApiClient.Auth(token);
        h["X-RogerRat-Token"] = "hub-secret";
        Assert.Equal(200, (await c.Call("POST", $"/api/channels/{id}/join", """{"callsign":"a"}""", h)).Status);
    }

    [Fact]
    public async Task Idempotency_key_replays_the_first_answer()
    {
        var c = NewClient();
        var (id, token) = await c.Create();
        var a = await c.Join(id, token, "alpha");
        var h = ApiClient.Auth(token, a);
        h["Idempotency-Key"] = "retry-1";
        var first = await c.Call("POST", $"/api/channels/{id}/send", """{"message":"once"}""", h);
        var second = await c.Call("POST", $"/api/channels/{id}/send", """{"message":"once"}""", h);
        Assert.Equal(first.Json.GetProperty("id").GetInt64(), second.Json.GetProperty("id").GetInt64());
        var history = await c.Call("GET", $"/api/channels/{id}/history", null, ApiClient.Auth(token));
        Assert.Equal(1, history.Json.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Every_response_has_the_security_headers()
    {
        var r = await NewClient().Call("GET", "/nope");
        Assert.Equal("nosniff", r.Header("X-Content-Type-Options"));
        Assert.Equal("DENY", r.Header("X-Frame-Options"));
        Assert.NotNull(r.Header("Content-Security-Policy"));
    }

    [Theory]
    [InlineData("/api/v1/info")]
    [InlineData("/.well-known/mcp.json")]
    [InlineData("/.well-known/agent.json")]
    [InlineData("/.well-known/agent-card.json")]
    [InlineData("/api/bands")]
    [InlineData("/api/stats")]
    public async Task Discovery_json_documents(string path)
    {
        var r = await NewClient(origin: "http://hub.test:7424").Call("GET", path);
        Assert.Equal(200, r.Status);
        Assert.Equal(JsonValueKind.Object, r.Json.ValueKind);
        Assert.DoesNotContain("rogerthat", r.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Root_answers_json_only_when_asked_and_always_links_llms_txt()
    {
        var c = NewClient(origin: "http://hub.test");
        var json = await c.Call("GET", "/", null, new() { ["Accept"] = "application/json" });
        Assert.Equal("rogerrat", json.Json.GetProperty("service").GetString());
        Assert.Equal("<http://hub.test/llms.txt>; rel=\"alternate\"; type=\"text/markdown\"", json.Header("Link"));
        var html = await c.Call("GET", "/", null, new() { ["Accept"] = "text/html,application/json" });
        Assert.StartsWith("text/html", html.Raw.ContentType);
    }

    [Fact]
    public async Task A_parked_listen_whose_client_leaves_consumes_nothing()
    {
        var c = NewClient();
        var (id, token) = await c.Create();
        var a = await c.Join(id, token, "alpha");
        var b = await c.Join(id, token, "bravo");
        using var gone = new CancellationTokenSource();
        var parked = c.Call("GET", $"/api/channels/{id}/listen?timeout=30", null, ApiClient.Auth(token, b), aborted: gone.Token);
        await Task.Delay(200);
        gone.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => parked.WaitAsync(TimeSpan.FromSeconds(5)));
        await Task.Delay(200); // the hub sees the connection close and abandons the parked delivery
        await c.Call("POST", $"/api/channels/{id}/send", """{"to":"bravo","message":"after"}""", ApiClient.Auth(token, a));
        var next = await c.Call("GET", $"/api/channels/{id}/listen?timeout=1", null, ApiClient.Auth(token, b));
        Assert.Equal("after", next.Json.GetProperty("messages")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Forwarded_for_counts_only_from_a_trusted_proxy()
    {
        var c = NewClient(new HubServiceOptions { RateLimits = new RateLimits(1, 1, 0, 0) }, trustLoopbackProxy: false);
        var (id, token) = await c.Create();
        var sid = await c.Join(id, token, "alpha");
        var spoof = ApiClient.Auth(token, sid);
        spoof["X-Forwarded-For"] = "1.2.3.4";
        Assert.Equal(200, (await c.Call("POST", $"/api/channels/{id}/send", """{"message":"x"}""", spoof)).Status);
        spoof["X-Forwarded-For"] = "5.6.7.8"; // not believed: same socket address, same bucket
        Assert.Equal(429, (await c.Call("POST", $"/api/channels/{id}/send", """{"message":"x"}""", spoof)).Status);
    }
}
