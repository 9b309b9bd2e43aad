using System.Text.Json;
using RogerRat.Http.Webhooks;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Webhooks;

/// <summary>Webhooks end to end (PROTOCOL §4): a live hub delivering to a real receiver on 127.0.0.1.</summary>
public class WebhookDeliveryTests
{
    private const string Secret = "test-secret-0123456789-abcd";

    private static Task<LiveHub> StartHub(Action<WebhookOptions>? configure = null) => LiveHub.StartAsync(o =>
    {
        o.Webhooks = new WebhookOptions
        {
            AllowPrivateAddresses = true,
            FirstRetryDelay = TimeSpan.FromMilliseconds(20),
            BackoffMultiplier = 2,
            AttemptTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(o.Webhooks);
    });

    private static async Task<string> Register(LiveHub hub, string id, string token, string body)
    {
        var (status, json) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/webhooks", body, token);
        Assert.True(status == 200, json.ToString());
        return json.GetProperty("webhook_id").GetString()!;
    }

    private static async Task<JsonElement> List(LiveHub hub, string id, string token)
    {
        var (status, json) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/webhooks", token: token);
        Assert.Equal(200, status);
        return json.GetProperty("webhooks");
    }

    // The receiver records a request before it answers; the hub counts a delivery once the answer is in.
    private static async Task<JsonElement> ListWhen(LiveHub hub, string id, string token, Func<JsonElement, bool> done)
    {
        for (var i = 0; ; i++)
        {
            var first = (await List(hub, id, token))[0];
            if (done(first) || i == 200) return first;
            await Task.Delay(25);
        }
    }

    private static async Task Say(LiveHub hub, string id, string token, string sid, string text, string to = "all", string? kind = null)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["to"] = to, ["text"] = text, ["kind"] = kind ?? "message" });
        var (status, json) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", body, token, sid);
        Assert.True(status == 200, json.ToString());
    }

    [Fact]
    public async Task Delivers_signed_messages_in_order_after_failed_attempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = static (_, n) => n < 2 ? 500 : 200; // the first two attempts fail
        await using var hub = await StartHub();
        var (id, token) = await hub.CreateChannel();
        var alice = await hub.Join(id, token, "alice");
        var hookId = await Register(hub, id, token, $$"""{"url":"{{receiver.Url}}","secret":"{{Secret}}"}""");

        var texts = Enumerable.Range(1, 20).Select(i => $"m{i}").ToArray();
        foreach (var t in texts) await Say(hub, id, token, alice, t);
        await receiver.WaitUntil(hits => hits.Count(h => h.Status == 200) == 20);

        var hits = receiver.Hits.ToArray();
        Assert.Equal(22, hits.Length);
        Assert.Equal(["m1", "m1", "m1"], hits.Take(3).Select(h => h.Text));
        Assert.Equal(texts, hits.Where(h => h.Status == 200).Select(h => h.Text));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        foreach (var h in hits)
        {
            Assert.True(WebhookReceiver.Verifies(h, Secret), "signature");
            Assert.False(WebhookReceiver.Verifies(h, Secret + "x"));
            Assert.Equal(hookId, h.WebhookId);
            Assert.InRange(h.Timestamp, now - 60, now + 5);
            Assert.Equal(id, h.Json.GetProperty("channel_id").GetString());
            Assert.Equal(hookId, h.Json.GetProperty("webhook_id").GetString());
            Assert.Equal("alice", h.Json.GetProperty("message").GetProperty("from").GetString());
        }
        var ids = hits.Where(h => h.Status == 200).Select(h => h.MessageId).ToArray();
        Assert.Equal(ids.Order(), ids);

        var listed = await ListWhen(hub, id, token, static h => h.GetProperty("delivered_count").GetInt64() == 20);
        Assert.Equal(20, listed.GetProperty("delivered_count").GetInt64());
        Assert.Equal(0, listed.GetProperty("failed_count").GetInt64());
        Assert.False(listed.TryGetProperty("last_error", out _));
    }

    [Fact]
    public async Task Records_the_failure_after_the_last_retry_and_goes_on()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = static (text, _) => text == "bad" ? 500 : 200;
        await using var hub = await StartHub(o => o.Retries = 3);
        var (id, token) = await hub.CreateChannel();
        var alice = await hub.Join(id, token, "alice");
        await Register(hub, id, token, $$"""{"url":"{{receiver.Url}}"}""");

        await Say(hub, id, token, alice, "bad");
        await Say(hub, id, token, alice, "good");
        await receiver.WaitUntil(hits => hits.Any(h => h.Text == "good"));

        Assert.Equal(["bad", "bad", "bad", "bad", "good"], receiver.Hits.Select(h => h.Text));
        var listed = await ListWhen(hub, id, token, static h => h.GetProperty("delivered_count").GetInt64() == 1);
        Assert.Equal(1, listed.GetProperty("delivered_count").GetInt64());
        Assert.Equal(1, listed.GetProperty("failed_count").GetInt64());
        Assert.Equal("HTTP 500", listed.GetProperty("last_error").GetString());
        Assert.True(listed.GetProperty("last_error_at").GetInt64() > 0);
        var metrics = RogerRat.Tests.Admin.MetricsTests.Parse(await hub.Client.GetStringAsync("/metrics"));
        Assert.Equal(5, metrics["rogerrat_webhooks_attempts_total"]);
        Assert.Equal(1, metrics["rogerrat_webhooks_failures_total"]);
    }

    [Fact]
    public async Task An_attempt_without_an_answer_times_out_and_is_recorded()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Gate = release.Task;
        await using var hub = await StartHub(o =>
        {
            o.Retries = 1;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(200);
        });
        var (id, token) = await hub.CreateChannel();
        var alice = await hub.Join(id, token, "alice");
        await Register(hub, id, token, $$"""{"url":"{{receiver.Url}}"}""");

        await Say(hub, id, token, alice, "slow");
        var listed = await ListWhen(hub, id, token, static h => h.GetProperty("failed_count").GetInt64() == 1);
        Assert.Equal(1, listed.GetProperty("failed_count").GetInt64());
        Assert.Equal("timed out after 0.2 s", listed.GetProperty("last_error").GetString());
        release.SetResult();
    }

    [Fact]
    public async Task With_a_callsign_only_what_it_would_receive_and_no_status_signals()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await StartHub();
        var (id, token) = await hub.CreateChannel();
        var alice = await hub.Join(id, token, "alice");
        var bob = await hub.Join(id, token, "bob");
        await hub.Join(id, token, "carol");
        await Register(hub, id, token, $$"""{"url":"{{receiver.Url}}","callsign":"Bob"}""");

        await Say(hub, id, token, alice, "to-all");
        await Say(hub, id, token, alice, "to-carol", to: "carol");
        await Say(hub, id, token, bob, "from-bob");
        await Say(hub, id, token, alice, "typing", kind: "status");
        await Say(hub, id, token, alice, "to-bob", to: "bob");
        await Say(hub, id, token, alice, "end");
        await receiver.WaitUntil(hits => hits.Any(h => h.Text == "end"));

        Assert.Equal(["to-all", "to-bob", "end"], receiver.Hits.Select(h => h.Text));
        Assert.Equal("bob", (await List(hub, id, token))[0].GetProperty("callsign").GetString());
    }

    [Fact]
    public async Task List_masks_the_secret_and_delete_stops_deliveries()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var hub = await StartHub();
        var (id, token) = await hub.CreateChannel();
        var alice = await hub.Join(id, token, "alice");
        var (status, created) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/webhooks", $$"""{"url":"{{receiver.Url}}"}""", token);
        Assert.Equal(200, status);
        var minted = created.GetProperty("secret").GetString()!;
        Assert.True(minted.Length >= 32);
        var hookId = created.GetProperty("webhook_id").GetString()!;

        var listed = (await List(hub, id, token))[0];
        Assert.Equal(hookId, listed.GetProperty("webhook_id").GetString());
        Assert.Equal(receiver.Url, listed.GetProperty("url").GetString());
        Assert.Equal("****" + minted[^4..], listed.GetProperty("secret").GetString());
        Assert.DoesNotContain(minted, listed.ToString());
        Assert.Equal(0, listed.GetProperty("dropped").GetInt64());
        Assert.True(listed.GetProperty("created_at").GetInt64() > 0);

        await Say(hub, id, token, alice, "before");
        await receiver.WaitUntil(hits => hits.Length == 1);
        Assert.True(WebhookReceiver.Verifies(receiver.Hits.Single(), minted));

        Assert.Equal(200, (await hub.Send(HttpMethod.Delete, $"/api/channels/{id}/webhooks/{hookId}", token: token)).Status);
        var (again, error) = await hub.Send(HttpMethod.Delete, $"/api/channels/{id}/webhooks/{hookId}", token: token);
        Assert.Equal(404, again);
        Assert.Equal("not_found", error.GetProperty("code").GetString());
        Assert.Equal(0, (await List(hub, id, token)).GetArrayLength());

        await Say(hub, id, token, alice, "after");
        await Task.Delay(300);
        Assert.Single(receiver.Hits);
    }

    [Fact]
    public async Task A_full_queue_drops_the_oldest_and_counts_the_gap()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Gate = release.Task;
        await using var hub = await StartHub(o => o.QueueCapacity = 2);
        var (id, token) = await hub.CreateChannel();
        var alice = await hub.Join(id, token, "alice");
        await Register(hub, id, token, $$"""{"url":"{{receiver.Url}}"}""");

        await Say(hub, id, token, alice, "m0");
        await receiver.FirstArrival.Task.WaitAsync(TimeSpan.FromSeconds(10)); // m0 is in flight, held by the receiver
        for (var i = 1; i <= 9; i++) await Say(hub, id, token, alice, $"m{i}");
        Assert.Equal(7, (await List(hub, id, token))[0].GetProperty("dropped").GetInt64());
        release.SetResult();
        await receiver.WaitUntil(hits => hits.Length == 3);
        await Task.Delay(100);
        Assert.Equal(["m0", "m8", "m9"], receiver.Hits.Select(h => h.Text));
    }

    [Fact]
    public async Task Registration_is_validated_and_capped()
    {
        await using var hub = await StartHub(o => o.MaxWebhooksPerChannel = 2);
        var (id, token) = await hub.CreateChannel();
        var path = $"/api/channels/{id}/webhooks";

        Assert.Equal(401, (await hub.Send(HttpMethod.Post, path, """{"url":"https://example.com/a"}""")).Status);
        Assert.Equal(401, (await hub.Send(HttpMethod.Get, path)).Status);
        Assert.Equal(404, (await hub.Send(HttpMethod.Post, "/api/channels/nope/webhooks", """{"url":"https://example.com/a"}""", token)).Status);
        await AssertRefused(hub, path, token, "{}", 400, "invalid", "url required");
        await AssertRefused(hub, "/api/channels/general/webhooks", "public", """{"url":"https://example.com/a"}""", 400, "invalid", "bands take no webhooks");
        await AssertRefused(hub, path, token, """{"url":5}""", 400, "invalid", "url must be a string");
        await AssertRefused(hub, path, token, """{"url":"ftp://example.com/x"}""", 400, "invalid", "absolute http");
        await AssertRefused(hub, path, token, """{"url":"/relative"}""", 400, "invalid", "absolute http");
        await AssertRefused(hub, path, token, """{"url":"https://user:pw@example.com/"}""", 400, "invalid", "user info");
        await AssertRefused(hub, path, token, """{"url":"https://example.com/","secret":"short"}""", 400, "invalid", "secret must be");
        await AssertRefused(hub, path, token, """{"url":"https://example.com/","callsign":"Not Valid!"}""", 400, "invalid", "callsign must be");
        await AssertRefused(hub, path, token, """{"url":""", 400, "invalid_json", "");
        await AssertRefused(hub, path, token, "[]", 400, "invalid_body", "");

        await Register(hub, id, token, """{"url":"https://example.com/a"}""");
        await Register(hub, id, token, """{"url":"https://example.com/b"}""");
        await AssertRefused(hub, path, token, """{"url":"https://example.com/c"}""", 503, "capacity_exceeded", "2 webhooks");
        Assert.Equal(2, (await List(hub, id, token)).GetArrayLength());
    }

    internal static async Task AssertRefused(LiveHub hub, string path, string token, string body, int status, string code, string words)
    {
        var (got, json) = await hub.Send(HttpMethod.Post, path, body, token);
        Assert.True(got == status, $"{body}: {got} {json}");
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Contains(words, json.GetProperty("error").GetString());
    }
}
