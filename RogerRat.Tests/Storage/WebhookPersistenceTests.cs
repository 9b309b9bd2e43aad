using System.Text.Json;
using RogerRat.Core;
using RogerRat.Core.Storage;
using RogerRat.Http.Webhooks;
using RogerRat.Storage;
using RogerRat.Tests.Integration;
using RogerRat.Tests.Webhooks;

namespace RogerRat.Tests.Storage;

/// <summary>
/// Webhook registrations with <c>--data-dir</c> (issue 13): kept as the store's extension records, in the log and in
/// snapshots, so a restarted hub lists them and delivers to them with the same id and secret; deletions stick.
/// </summary>
public class WebhookPersistenceTests
{
    private const string Secret = "persisted-secret-0123456789";

    private static Task<LiveHub> StartHub(LogHubStore store) => LiveHub.StartAsync(o =>
    {
        o.Store = store;
        o.Hub = StorageKit.FastHub();
        o.Webhooks = new WebhookOptions { AllowPrivateAddresses = true, FirstRetryDelay = TimeSpan.FromMilliseconds(20), BackoffMultiplier = 2 };
    });

    private static LogHubStore Open(string dir, bool snapshotOnDispose = false) =>
        LogHubStore.Open(StorageKit.Options(dir, snapshotOnDispose, FsyncPolicy.Batch));

    private static async Task<string> Register(LiveHub hub, string id, string token, string body)
    {
        var (status, json) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/webhooks", body, token);
        Assert.True(status == 200, json.ToString());
        return json.GetProperty("webhook_id").GetString()!;
    }

    private static async Task<JsonElement[]> List(LiveHub hub, string id, string token)
    {
        var (status, json) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/webhooks", token: token);
        Assert.Equal(200, status);
        return [.. json.GetProperty("webhooks").EnumerateArray()];
    }

    private static string Shape(JsonElement hook) =>
        $"{hook.GetProperty("webhook_id").GetString()} {hook.GetProperty("url").GetString()} "
        + $"{(hook.TryGetProperty("callsign", out var cs) ? cs.GetString() : "-")} {hook.GetProperty("secret").GetString()} {hook.GetProperty("created_at").GetInt64()}";

    private static async Task Say(LiveHub hub, string id, string token, string sid, string text)
    {
        var (status, json) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", $$"""{"to":"all","text":"{{text}}"}""", token, sid);
        Assert.True(status == 200, json.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_registration_survives_a_restart_and_still_delivers_signed(bool snapshot)
    {
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        await using var receiver = await WebhookReceiver.StartAsync();
        string id, token, hookId, bob;
        string[] before;
        using (var store = Open(dir))
        {
            await using var hub = await StartHub(store);
            (id, token) = await hub.CreateChannel();
            bob = await hub.Join(id, token, "bob");
            hookId = await Register(hub, id, token, $$"""{"url":"{{receiver.Url}}","secret":"{{Secret}}","callsign":"Bob"}""");
            before = [.. (await List(hub, id, token)).Select(Shape)];
            if (snapshot) await store.SnapshotAsync();
        }
        if (snapshot) Assert.Single(StorageKit.Snapshots(dir));

        using (var store = Open(dir))
        {
            await using var hub = await StartHub(store);
            Assert.Equal(before, (await List(hub, id, token)).Select(Shape));
            var alice = await hub.Join(id, token, "alice");
            await Say(hub, id, token, alice, "after the restart");
            await receiver.WaitUntil(hits => hits.Any(h => h.Status == 200));
            var hit = Assert.Single(receiver.Hits);
            Assert.Equal("after the restart", hit.Text);
            Assert.Equal(hookId, hit.WebhookId);
            Assert.True(WebhookReceiver.Verifies(hit, Secret), "signed with the secret given at registration");
        }
        _ = bob;
    }

    [Fact]
    public async Task A_deletion_survives_a_restart_and_a_snapshot()
    {
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        string id, token, kept;
        using (var store = Open(dir))
        {
            await using var hub = await StartHub(store);
            (id, token) = await hub.CreateChannel();
            var gone = await Register(hub, id, token, """{"url":"http://127.0.0.1:9/a"}""");
            kept = await Register(hub, id, token, """{"url":"http://127.0.0.1:9/b"}""");
            var (status, _) = await hub.Send(HttpMethod.Delete, $"/api/channels/{id}/webhooks/{gone}", token: token);
            Assert.Equal(200, status);
        }
        using (var store = Open(dir, snapshotOnDispose: true))
        {
            await using var hub = await StartHub(store);
            Assert.Equal([kept], (await List(hub, id, token)).Select(static h => h.GetProperty("webhook_id").GetString()));
        }
        Assert.Single(StorageKit.Snapshots(dir));
        using (var store = Open(dir))
        {
            Assert.Equal(0, store.Recovery.RecordsReplayed);
            await using var hub = await StartHub(store);
            var listed = Assert.Single(await List(hub, id, token));
            Assert.Equal(kept, listed.GetProperty("webhook_id").GetString());
            Assert.Equal("http://127.0.0.1:9/b", listed.GetProperty("url").GetString());
        }
    }

    [Fact]
    public async Task Extension_records_belong_to_their_channel_and_replace_or_forget_by_key()
    {
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(StorageKit.Start);
        string a, b;
        using (var stored = new StoredHub(StorageKit.Options(dir, snapshotOnDispose: false), StorageKit.FastHub(), time))
        {
            var store = stored.Store;
            a = stored.Hub.CreateChannel(new CreateChannelSpec()).Channel.Id;
            b = stored.Hub.CreateChannel(new CreateChannelSpec()).Channel.Id;
            Assert.Throws<ArgumentException>(() => store.PutExtension("no-such-channel", "k", "x", [1]));
            await store.WaitDurableAsync(store.PutExtension(a, "k", "one", [1]));
            await store.WaitDurableAsync(store.PutExtension(b, "k", "one", [2]));
            await store.WaitDurableAsync(store.PutExtension(a, "k", "two", [3]));
            await store.WaitDurableAsync(store.PutExtension(a, "k", "one", [4])); // replaces, keeps its place
            await store.WaitDurableAsync(store.PutExtension(a, "other", "one", [5]));
            await store.WaitDurableAsync(store.PutExtension(b, "k", "one", null));
            await store.WaitDurableAsync(store.PutExtension(b, "k", "never", null));
            Assert.Empty(store.Recovered("k")); // what this store recovered, not what it was given
        }
        string[] Seen(IExtensionStore s) => [.. s.Recovered("k").Select(static e => $"{e.ChannelId}/{e.Key}={string.Join(",", e.Value)}")];
        string[] expected = [$"{a}/one=4", $"{a}/two=3"];
        using (var store = LogHubStore.Open(StorageKit.Options(dir, snapshotOnDispose: true)))
        {
            Assert.Equal(expected, Seen(store));
            Assert.Equal([$"{a}/one"], store.Recovered("other").Select(static e => $"{e.ChannelId}/{e.Key}"));
        }
        using (var store = LogHubStore.Open(StorageKit.Options(dir, snapshotOnDispose: false)))
        {
            Assert.Equal(0, store.Recovery.RecordsReplayed); // from the snapshot alone
            Assert.Equal(expected, Seen(store));
        }
    }

    [Fact]
    public void A_stored_registration_round_trips_and_garbage_does_not_decode()
    {
        var r = new WebhookRecord("https://example.com/hook?x=1", null, "whsec_abcdefgh", 1234);
        Assert.Equal(r, WebhookRecord.Decode(r.Encode()));
        var withCallsign = r with { Callsign = "bob" };
        Assert.Equal(withCallsign, WebhookRecord.Decode(withCallsign.Encode()));
        Assert.Null(WebhookRecord.Decode("not json"u8.ToArray()));
        Assert.Null(WebhookRecord.Decode("""{"url":"https://x"}"""u8.ToArray()));
        Assert.Null(WebhookRecord.Decode("""{"url":1,"secret":"abcdef","created_at":1}"""u8.ToArray()));
    }
}
