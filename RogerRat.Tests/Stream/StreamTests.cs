using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Stream;

/// <summary>GET …/stream over raw sockets: order, resume without loss or repeats, the one-stream rule, leave.</summary>
public class StreamTests
{
    private sealed record Setup(LiveHub Hub, string Id, string Token, string Alpha, string Bravo) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Hub.DisposeAsync();

        public async Task<long> Say(string text, string to = "alpha", string? kind = null)
        {
            var body = kind is null ? $$"""{"to":"{{to}}","message":"{{text}}"}""" : $$"""{"to":"{{to}}","message":"{{text}}","kind":"{{kind}}"}""";
            var (status, json) = await Hub.Send(HttpMethod.Post, $"/api/channels/{Id}/send", body, Token, Bravo);
            Assert.Equal(200, status);
            return json.GetProperty("id").GetInt64();
        }

        public Task<SseClient> Open(string query = "", params string[] headers) =>
            SseClient.OpenAsync(Hub, $"/api/channels/{Id}/stream{query}", [$"Authorization: Bearer {Token}", $"X-Session-Id: {Alpha}", .. headers]);
    }

    private static async Task<Setup> Start()
    {
        var hub = await LiveHub.StartAsync(o => o.Service.StreamPingSeconds = 1);
        var (id, token) = await hub.CreateChannel();
        return new Setup(hub, id, token, await hub.Join(id, token, "alpha"), await hub.Join(id, token, "bravo"));
    }

    private static string Text(SseFrame f) => f.Data.GetProperty("text").GetString()!;

    [Fact]
    public async Task Hello_then_the_backlog_then_live_messages_and_status_signals_in_order()
    {
        await using var s = await Start();
        var one = await s.Say("one");
        var two = await s.Say("two");
        await using var sse = await s.Open();
        Assert.Equal(200, sse.Status);
        Assert.Contains("Content-Type: text/event-stream", sse.Head);
        Assert.Contains("Cache-Control: no-cache", sse.Head);
        var hello = (await sse.NextAsync())!;
        Assert.Equal("hello", hello.Event);
        Assert.Equal("alpha", hello.Data.GetProperty("callsign").GetString());
        Assert.Equal(2, hello.Data.GetProperty("backlog_count").GetInt32());
        Assert.Null(hello.Id);
        Assert.Equal((one, "one"), ((await sse.NextAsync())!.Id!.Value, "one"));
        Assert.Equal(two, (await sse.NextAsync())!.Id);
        var three = await s.Say("three");
        var status = await s.Say("on it", to: "all", kind: "status");
        var live = (await sse.NextAsync())!;
        Assert.Equal(("message", three, "three"), (live.Event, live.Id!.Value, Text(live)));
        var signal = (await sse.NextAsync())!;
        Assert.Equal((status, "status"), (signal.Id!.Value, signal.Data.GetProperty("kind").GetString()));
        // Idle: pings, and a plain listen finds nothing the stream already delivered.
        Assert.Null(await NextOrNull(sse, TimeSpan.FromSeconds(2.5)));
        Assert.True(sse.Pings >= 1);
    }

    [Fact]
    public async Task A_cut_stream_resumes_by_Last_Event_ID_with_nothing_lost_or_repeated()
    {
        await using var s = await Start();
        var sent = new List<long>();
        for (var i = 0; i < 6; i++) sent.Add(await s.Say($"m{i}"));
        var first = await s.Open();
        Assert.Equal("hello", (await first.NextAsync())!.Event);
        var seen = new List<long> { (await first.NextAsync())!.Id!.Value, (await first.NextAsync())!.Id!.Value };
        first.Cut(); // the rest may already sit in the kernel's buffers: only what the client read counts
        await Task.Delay(200);
        sent.Add(await s.Say("after the cut"));

        await using var second = await s.Open("", $"Last-Event-ID: {seen[^1]}");
        Assert.Equal("hello", (await second.NextAsync())!.Event);
        while (seen.Count < sent.Count) seen.Add((await second.NextAsync())!.Id!.Value);
        Assert.Equal(sent, seen);
        sent.Add(await s.Say("live"));
        Assert.Equal(sent[^1], (await second.NextAsync())!.Id);
        Assert.Null(await NextOrNull(second, TimeSpan.FromSeconds(1.5)));
    }

    [Fact]
    public async Task Since_resumes_too_and_the_cursor_follows_the_frames_written()
    {
        await using var s = await Start();
        var one = await s.Say("one");
        var two = await s.Say("two");
        await using (var sse = await s.Open($"?since={one}"))
        {
            Assert.Equal(1, (await sse.NextAsync())!.Data.GetProperty("backlog_count").GetInt32());
            Assert.Equal(two, (await sse.NextAsync())!.Id);
        }
        await Task.Delay(200);
        // The stream committed what it wrote: a plain listen starts after "two".
        var three = await s.Say("three");
        var (_, heard) = await s.Hub.Send(HttpMethod.Get, $"/api/channels/{s.Id}/listen?timeout=1", token: s.Token, sid: s.Alpha);
        Assert.Equal([three], heard.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task A_second_stream_for_the_session_closes_the_first_with_an_error_event()
    {
        await using var s = await Start();
        await using var first = await s.Open();
        Assert.Equal("hello", (await first.NextAsync())!.Event);
        await using var second = await s.Open();
        Assert.Equal("hello", (await second.NextAsync())!.Event);
        var rest = await first.RestAsync();
        Assert.Equal("error", Assert.Single(rest).Event);
        Assert.Equal("superseded", rest[0].Data.GetProperty("code").GetString());
        var id = await s.Say("to the newer one");
        Assert.Equal(id, (await second.NextAsync())!.Id);
    }

    [Fact]
    public async Task Leave_closes_the_stream()
    {
        await using var s = await Start();
        await using var sse = await s.Open();
        Assert.Equal("hello", (await sse.NextAsync())!.Event);
        var (status, _) = await s.Hub.Send(HttpMethod.Post, $"/api/channels/{s.Id}/leave", "{}", s.Token, s.Alpha);
        Assert.Equal(200, status);
        var rest = await sse.RestAsync();
        Assert.Equal("session_expired", Assert.Single(rest).Data.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_and_what_was_not_written_stays_for_the_next_listen()
    {
        await using var hub = await LiveHub.StartAsync(o =>
        {
            o.Http.Limits.MinResponseDataRate = 4 * 1024 * 1024; // a 480 KB frame may take 0.1 s past the grace
            o.Http.Limits.MinResponseDataRateGracePeriod = TimeSpan.FromMilliseconds(300);
        });
        var (id, token) = await hub.CreateChannel();
        var alpha = await hub.Join(id, token, "alpha");
        var bravo = await hub.Join(id, token, "bravo");
        await using var sse = await SseClient.OpenAsync(hub, $"/api/channels/{id}/stream", receiveBuffer: 4096,
            $"Authorization: Bearer {token}", $"X-Session-Id: {alpha}");
        Assert.Equal("hello", (await sse.NextAsync())!.Event);
        // 12 x 480 KB: more than the kernel's send and receive buffers take, so the stream's flush must stall.
        var picture = new string('A', 480 * 1024);
        var sent = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            var body = $$"""{"to":"alpha","message":"picture {{i}}","attachments":[{"mime":"image/png","data_base64":"{{picture}}"}]}""";
            var (status, json) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", body, token, bravo);
            Assert.Equal(200, status);
            sent.Add(json.GetProperty("id").GetInt64());
        }
        // Nobody reads for a while: the send watchdog closes the connection. Reading afterwards drains to the close;
        // a hub that kept the stream would keep writing, and the drain would not end.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.True(await sse.ClosedByServerAsync(TimeSpan.FromSeconds(15)), "the hub kept a stream nobody reads");
        await Task.Delay(200);
        var (_, rest) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=1", token: token, sid: alpha);
        var after = rest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt64()).ToList();
        Assert.NotEmpty(after); // what never reached the socket was not committed
        Assert.Equal(sent.SkipWhile(i => i < after[0]), after); // and it is the tail, in order, none skipped
    }

    [Theory]
    [InlineData("", false, 400, "invalid")]
    [InlineData("?since=1.5", true, 400, "invalid")]
    [InlineData("?since=99999999999999999999999", true, 400, "invalid")]
    public async Task Bad_requests_get_a_JSON_error_before_any_stream(string query, bool withSession, int status, string code)
    {
        await using var s = await Start();
        string[] headers = withSession ? [$"Authorization: Bearer {s.Token}", $"X-Session-Id: {s.Alpha}"] : [$"Authorization: Bearer {s.Token}"];
        await using var sse = await SseClient.OpenAsync(s.Hub, $"/api/channels/{s.Id}/stream{query}", headers);
        Assert.Equal(status, sse.Status);
        Assert.Contains("Content-Type: application/json", sse.Head);
        Assert.Contains($"\"code\":\"{code}\"", await BodyOf(sse));
    }

    [Fact]
    public async Task An_unknown_session_is_not_joined_and_a_left_one_expired_before_any_stream()
    {
        await using var s = await Start();
        var (status, _) = await s.Hub.Send(HttpMethod.Post, $"/api/channels/{s.Id}/leave", "{}", s.Token, s.Alpha);
        Assert.Equal(200, status);
        await using var left = await s.Open();
        Assert.Equal(410, left.Status);
        await using var unknown = await SseClient.OpenAsync(s.Hub, $"/api/channels/{s.Id}/stream",
            $"Authorization: Bearer {s.Token}", "X-Session-Id: 00000000-no-such-session");
        Assert.Equal(400, unknown.Status);
    }

    private static async Task<SseFrame?> NextOrNull(SseClient sse, TimeSpan wait)
    {
        try
        {
            return await sse.NextAsync(wait);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static Task<string> BodyOf(SseClient sse) => sse.ReadBodyAsync();
}
