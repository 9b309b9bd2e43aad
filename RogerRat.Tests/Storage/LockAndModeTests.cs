using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Storage;

namespace RogerRat.Tests.Storage;

/// <summary>One hub per data dir, and the dir's secrets (token and password hashes) readable by its owner only.</summary>
public class LockAndModeTests
{
    private const UnixFileMode OwnerRw = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerRwx = OwnerRw | UnixFileMode.UserExecute;

    [Fact]
    public void A_second_store_on_the_same_dir_is_refused_until_the_first_closes()
    {
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        var options = StorageKit.Options(dir, snapshotOnDispose: false);
        var first = LogHubStore.Open(options);
        try
        {
            var e = Assert.Throws<DataDirectoryLockedException>(() => LogHubStore.Open(options).Dispose());
            Assert.Equal(Path.GetFullPath(dir), e.Directory);
            // A relative spelling of the same dir is the same dir.
            var relative = Path.GetRelativePath(Environment.CurrentDirectory, dir);
            Assert.Throws<DataDirectoryLockedException>(() => LogHubStore.Open(StorageKit.Options(relative, snapshotOnDispose: false)).Dispose());
        }
        finally
        {
            first.Dispose();
        }
        using var second = LogHubStore.Open(options);
        Assert.False(second.Recovery.TornTailCut);
    }

    [Fact]
    public async Task The_dir_is_0700_and_every_file_0600()
    {
        if (OperatingSystem.IsWindows()) return;
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute); // 0755: tightened
        var time = new FakeTimeProvider(StorageKit.Start);
        using (var h = new StoredHub(StorageKit.Options(dir, snapshotOnDispose: true), StorageKit.FastHub(), time))
        {
            var ch = h.Hub.CreateChannel(new CreateChannelSpec { OwnerPassword = "owner-secret" }).Channel;
            var a = ch.Join(new JoinRequest { Callsign = "alpha", SessionId = "sess-alpha-1" }).SessionId;
            ch.Send(a, new SendRequest { Text = "hi" });
            await h.Store.SnapshotAsync();
            ch.Send(a, new SendRequest { Text = "after the snapshot" });
            Assert.Equal(OwnerRwx, File.GetUnixFileMode(dir));
            AssertFiles(dir, expectSnapshot: true);
        }
        AssertFiles(dir, expectSnapshot: true);
        using (LogHubStore.Open(StorageKit.Options(dir, snapshotOnDispose: false)))
        {
            Assert.Equal(OwnerRwx, File.GetUnixFileMode(dir));
        }
    }

    [Fact]
    public void A_new_dir_is_created_0700()
    {
        if (OperatingSystem.IsWindows()) return;
        using var tmp = new TempDir();
        var dir = Path.Combine(tmp.Sub("nested"), "data");
        using (LogHubStore.Open(StorageKit.Options(dir, snapshotOnDispose: false)))
        {
            Assert.Equal(OwnerRwx, File.GetUnixFileMode(dir));
            AssertFiles(dir, expectSnapshot: false);
        }
    }

    private static void AssertFiles(string dir, bool expectSnapshot)
    {
        if (OperatingSystem.IsWindows()) return;
        var files = Directory.GetFiles(dir);
        Assert.Contains(files, static f => Path.GetFileName(f) == "rogerrat.lock");
        Assert.Contains(files, static f => f.EndsWith(".rrlog", StringComparison.Ordinal));
        if (expectSnapshot) Assert.Contains(files, static f => f.EndsWith(".rrsnap", StringComparison.Ordinal));
        foreach (var f in files) Assert.True(File.GetUnixFileMode(f) == OwnerRw, $"{f}: {File.GetUnixFileMode(f)}");
    }
}
