using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Storage;

namespace RogerRat.Tests.Storage;

/// <summary>
/// Damage that is not a torn tail stops the open with a <see cref="CorruptDataException"/> naming the file and the
/// frame's offset, and leaves every file exactly as it was.
/// </summary>
public class CorruptionTests
{
    private static void WriteSession(string dir, bool snapshotOnDispose)
    {
        var time = new FakeTimeProvider(StorageKit.Start);
        using var h = new StoredHub(StorageKit.Options(dir, snapshotOnDispose), StorageKit.FastHub(), time);
        var ch = h.Hub.CreateChannel(new CreateChannelSpec { OwnerPassword = "owner-secret" }).Channel;
        ch.Join(new JoinRequest { Callsign = "alpha", SessionId = "sess-alpha-1" });
        ch.Join(new JoinRequest { Callsign = "bravo", SessionId = "sess-bravo-1" });
        for (var i = 0; i < 12; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            ch.Send(i % 2 == 0 ? "sess-alpha-1" : "sess-bravo-1", new SendRequest { Text = $"message number {i} with some text" });
        }
        ch.Commit(ch.ListenAsync("sess-bravo-1", TimeSpan.Zero).Result);
    }

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.GetFiles(dir).Where(static f => !f.EndsWith("rogerrat.lock", StringComparison.Ordinal)).ToDictionary(static f => f, File.ReadAllBytes);

    private static void AssertUnchanged(Dictionary<string, byte[]> before, string dir)
    {
        var after = Files(dir);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[file]), $"{file} was changed");
    }

    private static CorruptDataException OpenFails(string dir)
    {
        var e = Assert.Throws<CorruptDataException>(() => LogHubStore.Open(StorageKit.Options(dir, snapshotOnDispose: false)).Dispose());
        // The failed open released the lock: a second try fails the same way, not with "locked".
        var again = Assert.Throws<CorruptDataException>(() => LogHubStore.Open(StorageKit.Options(dir, snapshotOnDispose: false)).Dispose());
        Assert.Equal((e.File, e.Offset), (again.File, again.Offset));
        return e;
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("length")]
    [InlineData("length-check")]
    [InlineData("crc")]
    public void A_damaged_middle_frame_stops_the_open_and_changes_nothing(string where)
    {
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        WriteSession(dir, snapshotOnDispose: false);
        var segment = Assert.Single(StorageKit.Segments(dir));
        var bytes = File.ReadAllBytes(segment);
        var frames = StorageKit.Frames(bytes);
        var (start, payloadLength) = frames[frames.Count / 2];
        var at = where switch
        {
            "payload" => start + 12 + payloadLength / 2,
            "length" => start,
            "length-check" => start + 5,
            _ => start + 9,
        };
        bytes[at] ^= 0x40;
        File.WriteAllBytes(segment, bytes);
        var before = Files(dir);

        var e = OpenFails(dir);
        Assert.Equal(segment, e.File);
        Assert.Equal(start, e.Offset);
        AssertUnchanged(before, dir);
    }

    [Fact]
    public void A_damaged_frame_before_a_good_last_frame_is_not_a_torn_tail()
    {
        // The second-to-last frame's checksum fails while the last frame is whole: that is damage, not a crash.
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        WriteSession(dir, snapshotOnDispose: false);
        var segment = Assert.Single(StorageKit.Segments(dir));
        var bytes = File.ReadAllBytes(segment);
        var frames = StorageKit.Frames(bytes);
        var (start, payloadLength) = frames[^2];
        bytes[start + 12 + payloadLength - 1] ^= 0x01;
        File.WriteAllBytes(segment, bytes);
        var before = Files(dir);

        var e = OpenFails(dir);
        Assert.Equal(segment, e.File);
        Assert.Equal(start, e.Offset);
        AssertUnchanged(before, dir);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    public void A_damaged_snapshot_stops_the_open_naming_it(string damage)
    {
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        WriteSession(dir, snapshotOnDispose: true);
        var snapshot = Assert.Single(StorageKit.Snapshots(dir));
        var bytes = File.ReadAllBytes(snapshot);
        var frames = StorageKit.Frames(bytes);
        if (damage == "flip")
        {
            var (start, payloadLength) = frames[frames.Count / 2];
            bytes[start + 12 + payloadLength / 2] ^= 0x10;
            File.WriteAllBytes(snapshot, bytes);
        }
        else File.WriteAllBytes(snapshot, bytes.AsSpan(0, (int)frames[^1].Start + 5).ToArray());
        var before = Files(dir);

        var e = OpenFails(dir);
        Assert.Equal(snapshot, e.File);
        if (damage == "flip") Assert.Equal(frames[frames.Count / 2].Start, e.Offset);
        AssertUnchanged(before, dir);
    }

    [Fact]
    public void A_snapshot_without_its_trailer_is_corrupt()
    {
        // Cut at a frame boundary: every frame checks, but the trailer that proves the snapshot whole is missing.
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        WriteSession(dir, snapshotOnDispose: true);
        var snapshot = Assert.Single(StorageKit.Snapshots(dir));
        var bytes = File.ReadAllBytes(snapshot);
        var frames = StorageKit.Frames(bytes);
        File.WriteAllBytes(snapshot, bytes.AsSpan(0, (int)frames[^1].Start).ToArray());
        var before = Files(dir);

        var e = OpenFails(dir);
        Assert.Equal(snapshot, e.File);
        AssertUnchanged(before, dir);
    }

    [Fact]
    public void A_missing_record_between_segments_is_corrupt()
    {
        // Damage of a whole frame that still parses: drop a middle frame, so the sequence has a gap.
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        WriteSession(dir, snapshotOnDispose: false);
        var segment = Assert.Single(StorageKit.Segments(dir));
        var bytes = File.ReadAllBytes(segment);
        var frames = StorageKit.Frames(bytes);
        var (start, payloadLength) = frames[frames.Count / 2];
        var end = (int)start + 12 + payloadLength;
        File.WriteAllBytes(segment, [.. bytes.AsSpan(0, (int)start), .. bytes.AsSpan(end)]);
        var before = Files(dir);

        var e = OpenFails(dir);
        Assert.Equal(segment, e.File);
        Assert.Equal(start, e.Offset); // the frame after the gap now starts there
        AssertUnchanged(before, dir);
    }
}
