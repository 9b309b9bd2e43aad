using System.Text;
using System.Text.Json;
using RogerRat.Storage;
using RogerRat.Storage.Transcripts;
using RogerRat.Tests.Api;
using RogerRat.Tests.Integration;
using RogerRat.Tests.Storage;

namespace RogerRat.Tests.Transcripts;

/// <summary>
/// What each retention mode writes (reference §5.1/§5.2) through the REST face, with the in-memory store and with the
/// JSONL file store: the same conversation, the events each mode keeps, status signals never, <c>bytes</c> in UTF-8,
/// <c>limit</c>, and the storage the response names. Then <c>prompts</c> across a restart on a data dir.
/// </summary>
public sealed class TranscriptModesTests : IAsyncLifetime
{
    private const string First = "héllo ✓ from alpha";
    private readonly TempDir _dir = new();
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        _dir.Dispose();
    }

    private async Task<ApiClient> Hub(string storage)
    {
        JsonlTranscriptStore? files = null;
        if (storage == "file")
        {
            files = new JsonlTranscriptStore(new TranscriptStoreOptions { Directory = _dir.Sub("transcripts") });
            _owned.Add(files);
        }
        var hub = await LiveHub.StartAsync(o => o.Transcripts = files);
        _owned.Add(hub);
        return new ApiClient(hub.Client);
    }

    // alpha joins (twice: the second is idempotent), bravo joins, alpha broadcasts twice with a status in between,
    // bravo answers with a DM, bravo leaves.
    private static async Task<(string Id, string Token)> Converse(ApiClient c, string retention)
    {
        var (id, token) = await c.Create($$"""{"retention":"{{retention}}"}""");
        var alpha = await c.Join(id, token, "alpha");
        Assert.Equal(alpha, await c.Join(id, token, "alpha"));
        var bravo = await c.Join(id, token, "bravo");
        async Task Say(string sid, string to, string text, string? kind = null)
        {
            var body = kind is null ? JsonSerializer.Serialize(new Dictionary<string, string> { ["to"] = to, ["message"] = text })
                : JsonSerializer.Serialize(new Dictionary<string, string> { ["to"] = to, ["message"] = text, ["kind"] = kind });
            var r = await c.Call("POST", $"/api/channels/{id}/send", body, ApiClient.Auth(token, sid));
            Assert.Equal(200, r.Status);
        }
        await Say(alpha, "all", First);
        await Say(alpha, "all", "working on it", "status");
        await Say(bravo, "alpha", "roger");
        await Say(alpha, "all", "second from alpha");
        Assert.Equal(200, (await c.Call("POST", $"/api/channels/{id}/leave", "{}", ApiClient.Auth(token, bravo))).Status);
        return (id, token);
    }

    private static string Describe(JsonElement e)
    {
        var type = e.GetProperty("type").GetString();
        return type switch
        {
            "channel_created" => $"created {e.GetProperty("retention").GetString()}",
            "join" or "leave" => $"{type} {e.GetProperty("callsign").GetString()}",
            "message" => $"message {e.GetProperty("from").GetString()}>{e.GetProperty("to").GetString()} {e.GetProperty("text").GetString()}",
            "message_meta" => $"meta {e.GetProperty("from").GetString()}>{e.GetProperty("to").GetString()} {e.GetProperty("bytes").GetInt32()}",
            _ => $"unknown {type}",
        };
    }

    public static TheoryData<string, string> ModesAndStores()
    {
        var data = new TheoryData<string, string>();
        foreach (var storage in new[] { "memory", "file" })
            foreach (var mode in new[] { "metadata", "prompts", "full" }) data.Add(mode, storage);
        return data;
    }

    [Theory]
    [MemberData(nameof(ModesAndStores))]
    public async Task Each_mode_writes_its_events_and_never_a_status(string mode, string storage)
    {
        var c = await Hub(storage);
        var (id, token) = await Converse(c, mode);

        var r = await c.Call("GET", $"/api/channels/{id}/transcript", null, ApiClient.Auth(token));
        Assert.Equal(200, r.Status);
        Assert.Equal(id, r.Json.GetProperty("channel_id").GetString());
        Assert.Equal(mode, r.Json.GetProperty("retention").GetString());
        Assert.Equal(storage, r.Json.GetProperty("storage").GetString());
        Assert.Equal(0, r.Json.GetProperty("corrupt_lines").GetInt64());
        Assert.Equal(0, r.Json.GetProperty("dropped_events").GetInt64());

        var firstBytes = Encoding.UTF8.GetByteCount(First);
        Assert.NotEqual(First.Length, firstBytes); // the text is not ASCII: UTF-16 units would differ
        string[] expected = mode switch
        {
            "metadata" => [$"created {mode}", "join alpha", "join bravo", $"meta alpha>all {firstBytes}", "meta bravo>alpha 5", "meta alpha>all 17", "leave bravo"],
            "prompts" => [$"created {mode}", "join alpha", "join bravo", $"message alpha>all {First}", "message bravo>alpha roger", "leave bravo"],
            _ => [$"created {mode}", "join alpha", "join bravo", $"message alpha>all {First}", "message bravo>alpha roger", "message alpha>all second from alpha", "leave bravo"],
        };
        Assert.Equal(expected, r.Json.GetProperty("events").EnumerateArray().Select(Describe).ToArray());
        foreach (var e in r.Json.GetProperty("events").EnumerateArray()) Assert.True(e.GetProperty("ts").GetInt64() > 0);

        // limit keeps the last events.
        var last2 = await c.Call("GET", $"/api/channels/{id}/transcript?limit=2", null, ApiClient.Auth(token));
        Assert.Equal(expected[^2..], last2.Json.GetProperty("events").EnumerateArray().Select(Describe).ToArray());
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("file")]
    public async Task Retention_none_has_no_transcript_and_writes_no_file(string storage)
    {
        var c = await Hub(storage);
        var (id, token) = await Converse(c, "none");
        var r = await c.Call("GET", $"/api/channels/{id}/transcript", null, ApiClient.Auth(token));
        Assert.Equal(404, r.Status);
        Assert.Equal("not_found", r.Json.GetProperty("code").GetString());
        Assert.False(File.Exists(Path.Combine(_dir.Sub("transcripts"), id + ".jsonl")));
        var info = await c.Call("GET", "/api/v1/info");
        Assert.Equal(storage, info.Json.GetProperty("transcripts").GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Prompts_remembers_first_senders_across_a_restart_on_a_data_dir()
    {
        var data = _dir.Sub("data");
        var options = new TranscriptStoreOptions { Directory = Path.Combine(data, "transcripts") };
        string id, token, alpha;
        using (var store = LogHubStore.Open(StorageKit.Options(data, snapshotOnDispose: true, FsyncPolicy.Batch)))
        {
            await using var files = new JsonlTranscriptStore(options);
            await using var hub = await LiveHub.StartAsync(o => { o.Store = store; o.Transcripts = files; });
            var c = new ApiClient(hub.Client);
            (id, token) = await c.Create("""{"retention":"prompts"}""");
            alpha = await c.Join(id, token, "alpha");
            Assert.Equal(200, (await c.Call("POST", $"/api/channels/{id}/send", """{"to":"all","message":"before"}""", ApiClient.Auth(token, alpha))).Status);
        }
        using (var store = LogHubStore.Open(StorageKit.Options(data, snapshotOnDispose: true, FsyncPolicy.Batch)))
        {
            await using var files = new JsonlTranscriptStore(options);
            await using var hub = await LiveHub.StartAsync(o => { o.Store = store; o.Transcripts = files; });
            var c = new ApiClient(hub.Client);
            var bravo = await c.Join(id, token, "bravo");
            Assert.Equal(200, (await c.Call("POST", $"/api/channels/{id}/send", """{"to":"all","message":"after"}""", ApiClient.Auth(token, alpha))).Status);
            Assert.Equal(200, (await c.Call("POST", $"/api/channels/{id}/send", """{"to":"all","message":"bravo's first"}""", ApiClient.Auth(token, bravo))).Status);
            var r = await c.Call("GET", $"/api/channels/{id}/transcript", null, ApiClient.Auth(token));
            Assert.Equal(
                ["created prompts", "join alpha", "message alpha>all before", "join bravo", "message bravo>all bravo's first"],
                r.Json.GetProperty("events").EnumerateArray().Select(Describe).ToArray());
        }
    }
}
