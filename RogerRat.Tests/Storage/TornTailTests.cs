using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Storage;

namespace RogerRat.Tests.Storage;

/// <summary>
/// A crash mid-write leaves the last record cut short: at every byte offset inside it, recovery cuts it off, reports
/// it, truncates the segment to the last whole frame, and the hub is the hub before that write.
/// </summary>
public class TornTailTests
{
    private static readonly string[] s_sessions = ["sess-alpha-1", "sess-bravo-1"];

    /// <summary>A log whose last record is the append of "the last word"; returns the channel id.</summary>
    private static string WriteSession(string dir)
    {
        var time = new FakeTimeProvider(StorageKit.Start);
        using var h = new StoredHub(StorageKit.Options(dir, snapshotOnDispose: false), StorageKit.FastHub(), time);
        var ch = h.Hub.CreateChannel(new CreateChannelSpec()).Channel;
        ch.Join(new JoinRequest { Callsign = "alpha", SessionId = "sess-alpha-1" });
        ch.Join(new JoinRequest { Callsign = "bravo", SessionId = "sess-bravo-1" });
        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            ch.Send("sess-alpha-1", new SendRequest { To = i % 2 == 0 ? "bravo" : null, Text = $"message {i}" }, i == 2 ? "key-2" : null);
        }
        var d = ch.ListenAsync("sess-bravo-1", TimeSpan.Zero).Result;
        ch.Commit(d);
        time.Advance(TimeSpan.FromSeconds(1));
        ch.Send("sess-bravo-1", new SendRequest { To = "alpha", Text = "the last word", SuggestedReplies = ["ok"] });
        return ch.Id;
    }

    private static List<string> Reopen(string dir, out RecoveryReport report, out long lengthAfterOpen, string segment)
    {
        using var h = new StoredHub(StorageKit.Options(dir, snapshotOnDispose: false), StorageKit.FastHub(), new FakeTimeProvider(StorageKit.Start));
        report = h.Store.Recovery;
        lengthAfterOpen = new FileInfo(segment).Length;
        return StorageKit.Observe(h.Hub, s_sessions, clockFree: true);
    }

    [Fact]
    public void A_last_record_torn_at_any_byte_is_cut_off()
    {
        using var tmp = new TempDir();
        var source = tmp.Sub("source");
        var channelId = WriteSession(source);
        var segment = Assert.Single(StorageKit.Segments(source));
        var bytes = File.ReadAllBytes(segment);
        var frames = StorageKit.Frames(bytes);
        var lastStart = frames[^1].Start;
        Assert.True(frames.Count > 10);

        // Whole file: the last word is there.
        var full = Reopen(CopyTruncated(tmp, source, segment, "full", bytes.Length, out var fullSegment), out var fullReport, out _, fullSegment);
        Assert.False(fullReport.TornTailCut);
        Assert.Contains(full, static l => l.Contains("text=the last word", StringComparison.Ordinal));

        List<string>? expected = null;
        for (var length = lastStart; length < bytes.Length; length++)
        {
            var dir = CopyTruncated(tmp, source, segment, "cut-" + length, length, out var cutSegment);
            var state = Reopen(dir, out var report, out var after, cutSegment);
            Assert.Equal(length != lastStart, report.TornTailCut);
            Assert.Equal(lastStart, after); // truncated to the last whole frame
            Assert.Equal(bytes.AsSpan(0, (int)lastStart).ToArray(), File.ReadAllBytes(cutSegment));
            if (expected is null)
            {
                expected = state;
                // Without the last write: the last word is gone, everything before it is there.
                Assert.DoesNotContain(state, static l => l.Contains("the last word", StringComparison.Ordinal));
                for (var i = 0; i < 5; i++)
                {
                    var text = $"text=message {i}";
                    Assert.Contains(state, l => l.Contains(text, StringComparison.Ordinal));
                }
                Assert.Contains(state, static l => l.Contains("stats channels=1 joins=2 messages=5", StringComparison.Ordinal));
                Assert.Contains(state, l => l.StartsWith($"[{channelId}] roster #2 bravo", StringComparison.Ordinal));
            }
            else StorageKit.AssertSameState(expected, state, $"cut at {length}");
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_log_goes_on_after_a_torn_tail_was_cut()
    {
        using var tmp = new TempDir();
        var source = tmp.Sub("source");
        var channelId = WriteSession(source);
        var segment = Assert.Single(StorageKit.Segments(source));
        var bytes = File.ReadAllBytes(segment);
        var lastStart = StorageKit.Frames(bytes)[^1].Start;
        var dir = CopyTruncated(tmp, source, segment, "cut", lastStart + 7, out var cutSegment);

        var options = StorageKit.Options(dir, snapshotOnDispose: false);
        using (var h = new StoredHub(options, StorageKit.FastHub(), new FakeTimeProvider(StorageKit.Start + TimeSpan.FromMinutes(1))))
        {
            Assert.True(h.Store.Recovery.TornTailCut);
            h.Hub.GetChannel(channelId).Send("sess-bravo-1", new SendRequest { To = "alpha", Text = "said again" });
        }
        using var again = new StoredHub(options, StorageKit.FastHub(), new FakeTimeProvider(StorageKit.Start));
        Assert.False(again.Store.Recovery.TornTailCut);
        var texts = again.Hub.GetChannel(channelId).History(100).Select(static m => m.Text).ToArray();
        Assert.Equal(["message 0", "message 1", "message 2", "message 3", "message 4", "said again"], texts);
        Assert.Equal(bytes.AsSpan(0, (int)lastStart).ToArray(), File.ReadAllBytes(cutSegment).AsSpan(0, (int)lastStart).ToArray());
    }

    [Fact]
    public void A_tail_of_zeros_is_cut_off()
    {
        using var tmp = new TempDir();
        var source = tmp.Sub("source");
        var channelId = WriteSession(source);
        var segment = Assert.Single(StorageKit.Segments(source));
        var length = new FileInfo(segment).Length;
        var dir = tmp.Sub("zeros");
        StorageKit.CopyDirectory(source, dir);
        var copy = Path.Combine(dir, Path.GetFileName(segment));
        using (var f = new FileStream(copy, FileMode.Append)) f.Write(new byte[4096]);

        var options = StorageKit.Options(dir, snapshotOnDispose: false);
        using var h = new StoredHub(options, StorageKit.FastHub(), new FakeTimeProvider(StorageKit.Start));
        Assert.True(h.Store.Recovery.TornTailCut);
        Assert.Equal(length, new FileInfo(copy).Length);
        Assert.Equal("the last word", h.Hub.GetChannel(channelId).History(1)[0].Text);
    }

    private static string CopyTruncated(TempDir tmp, string source, string segment, string name, long length, out string copy)
    {
        var dir = tmp.Sub(name);
        StorageKit.CopyDirectory(source, dir);
        copy = Path.Combine(dir, Path.GetFileName(segment));
        using (var f = new FileStream(copy, FileMode.Open, FileAccess.Write)) f.SetLength(length);
        return dir;
    }
}
