using System.Text;
using RogerRat.Core.Service.Transcripts;
using RogerRat.Storage.Transcripts;
using RogerRat.Tests.Storage;

namespace RogerRat.Tests.Transcripts;

/// <summary>
/// The two transcript stores on their own: the JSONL store skips and reports damaged lines (never throws), ends a torn
/// last line before appending, drops and counts when its queue is full without blocking, writes everything queued on
/// dispose, and finds the senders an earlier run recorded; the in-memory store keeps its bound and counts what it drops.
/// </summary>
public sealed class TranscriptStoreTests : IDisposable
{
    private const string Channel = "calm-otter-1a2b";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Transcripts => _dir.Sub("transcripts");

    private string FileOf(string channel) => Path.Combine(Transcripts, channel + ".jsonl");

    private static byte[] Message(int i, string from = "alpha") =>
        Encoding.UTF8.GetBytes($$"""{"ts":{{1000 + i}},"type":"message","from":"{{from}}","to":"all","text":"m{{i}}"}""");

    private static string[] Texts(TranscriptPage page) =>
        page.Events.Select(e => System.Text.Json.JsonDocument.Parse(e).RootElement.GetProperty("text").GetString()!).ToArray();

    [Fact]
    public async Task Damaged_lines_are_skipped_counted_and_logged_once_and_a_torn_tail_stays_one_line()
    {
        Directory.CreateDirectory(Transcripts);
        // Two good events, garbage, a JSON array (not an event), a half-written event at the end with no newline.
        File.WriteAllText(FileOf(Channel),
            Encoding.UTF8.GetString(Message(1)) + "\n" + "not json at all\n" + "[1,2]\n" + Encoding.UTF8.GetString(Message(2)) + "\n" + """{"ts":5,"type":"mess""");
        var logger = new CountingLogger("not JSON events");
        await using var store = new JsonlTranscriptStore(new TranscriptStoreOptions { Directory = Transcripts }, logger);

        var page = await store.ReadAsync(Channel, 100);
        Assert.Equal(["m1", "m2"], Texts(page));
        Assert.Equal(2, page.CorruptLines); // the unterminated tail may still be an append in flight: not counted yet

        Assert.Equal(TranscriptAppend.Stored, store.Append(Channel, Message(3)));
        page = await store.ReadAsync(Channel, 100);
        Assert.Equal(["m1", "m2", "m3"], Texts(page));
        Assert.Equal(3, page.CorruptLines); // the torn tail was ended before m3, so it is one bad line, m3 intact
        await store.ReadAsync(Channel, 100);
        Assert.Equal(2, logger.Count); // logged when the count was 2 and when it became 3, not on every read
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_without_blocking_and_everything_accepted_is_read_back()
    {
        // One event at a time with a file open per event: a tight loop of appends outruns the writer.
        await using var store = new JsonlTranscriptStore(new TranscriptStoreOptions { Directory = Transcripts, QueueCapacity = 1, MaxBatch = 1 });
        var stored = new List<int>();
        var dropped = 0;
        for (var i = 0; i < 5_000; i++)
        {
            if (store.Append(Channel, Message(i)) == TranscriptAppend.Dropped) dropped++;
            else stored.Add(i);
        }
        Assert.True(dropped > 0, "a one-slot queue under a tight loop must overflow");
        Assert.Equal(dropped, store.Dropped);
        var page = await store.ReadAsync(Channel, 10_000);
        Assert.Equal(stored.Select(i => $"m{i}").ToArray(), Texts(page)); // accepted ones in order, none lost
        Assert.Equal(dropped, page.DroppedEvents);
    }

    [Fact]
    public async Task Dispose_writes_every_queued_event_and_a_new_store_reads_them_and_their_senders()
    {
        var options = new TranscriptStoreOptions { Directory = Transcripts, QueueCapacity = 10_000 };
        var store = new JsonlTranscriptStore(options);
        for (var i = 0; i < 2_000; i++) Assert.Equal(TranscriptAppend.Stored, store.Append(Channel, Message(i, i % 2 == 0 ? "alpha" : "bravo")));
        store.Append(Channel, """{"ts":9,"type":"join","callsign":"charlie"}"""u8.ToArray());
        await store.DisposeAsync();

        Assert.Equal(2_001, File.ReadAllLines(FileOf(Channel)).Length);
        await using var reopened = new JsonlTranscriptStore(options);
        Assert.Equal(["alpha", "bravo"], reopened.RecordedSenders(Channel).Order().ToArray()); // a join is no message
        Assert.Equal(2_000, (await reopened.ReadAsync(Channel, 10_000)).Events.Count(e => e.Span.IndexOf("\"message\""u8) >= 0));
        Assert.Empty(reopened.RecordedSenders("other-channel"));
    }

    [Fact]
    public async Task The_file_store_never_turns_an_unsafe_channel_id_into_a_path()
    {
        await using var store = new JsonlTranscriptStore(new TranscriptStoreOptions { Directory = Transcripts });
        Assert.Equal(TranscriptAppend.Dropped, store.Append("../escape", Message(1)));
        Assert.Empty((await store.ReadAsync("../escape", 10)).Events);
        Assert.False(File.Exists(Path.Combine(_dir.Root, "escape.jsonl")));
    }

    [Fact]
    public async Task The_memory_store_keeps_the_newest_events_within_its_bound_and_counts_the_rest()
    {
        var store = new InMemoryTranscriptStore(3);
        Assert.Equal("memory", store.Storage);
        var results = Enumerable.Range(1, 5).Select(i => store.Append(Channel, Message(i))).ToArray();
        Assert.Equal([TranscriptAppend.Stored, TranscriptAppend.Stored, TranscriptAppend.Stored, TranscriptAppend.StoredDroppedOldest, TranscriptAppend.StoredDroppedOldest], results);
        var page = await store.ReadAsync(Channel, 100);
        Assert.Equal(["m3", "m4", "m5"], Texts(page));
        Assert.Equal(2, page.DroppedEvents);
        Assert.Equal(["m5"], Texts(await store.ReadAsync(Channel, 1)));
        Assert.Empty(store.RecordedSenders(Channel));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryTranscriptStore(0));
    }
}
