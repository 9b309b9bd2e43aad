using System.Globalization;
using System.Runtime.InteropServices;

namespace RogerRat.Storage;

/// <summary>
/// The files of a data directory: <c>log-&lt;first sequence&gt;.rrlog</c> segments, <c>snapshot-&lt;sequence&gt;.rrsnap</c>
/// snapshots (the state through that sequence), and the lock. The directory is 0700 and every file 0600: channel
/// records carry token and password hashes.
/// </summary>
internal sealed partial class DataDirectory : IDisposable
{
    public const UnixFileMode FileCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly FileStream _lock;

    private DataDirectory(string path, FileStream lockFile)
    {
        Path = path;
        _lock = lockFile;
    }

    public string Path { get; }

    /// <summary>Creates (0700) or tightens the directory and takes its lock, or throws <see cref="DataDirectoryLockedException"/>.</summary>
    public static DataDirectory Open(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else
        {
            Directory.CreateDirectory(path, DirMode);
            if ((File.GetUnixFileMode(path) & ~DirMode) != 0) File.SetUnixFileMode(path, DirMode);
        }
        var lockPath = System.IO.Path.Combine(path, "rogerrat.lock");
        FileStream lockFile;
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix: a second hub's open fails while we live,
            // and the kernel drops it when this process dies, even by kill -9.
            lockFile = new FileStream(lockPath, Options(System.IO.FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new DataDirectoryLockedException(path, null);
        }
        lockFile.SetLength(0);
        var pid = System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
        lockFile.Write(pid);
        lockFile.Flush();
        return new DataDirectory(path, lockFile);
    }

    public string SegmentPath(long firstSequence) => System.IO.Path.Combine(Path, $"log-{firstSequence:D20}.rrlog");

    public string SnapshotPath(long sequence) => System.IO.Path.Combine(Path, $"snapshot-{sequence:D20}.rrsnap");

    /// <summary>Segments, oldest first, with their first sequence.</summary>
    public List<(long First, string Path)> Segments() => List("log-", ".rrlog");

    /// <summary>Snapshots, oldest first, with the sequence each covers.</summary>
    public List<(long Sequence, string Path)> Snapshots() => List("snapshot-", ".rrsnap");

    private List<(long, string)> List(string prefix, string suffix)
    {
        var found = new List<(long, string)>();
        foreach (var file in Directory.EnumerateFiles(Path, prefix + "*" + suffix))
        {
            var name = System.IO.Path.GetFileName(file);
            var number = name.AsSpan(prefix.Length, name.Length - prefix.Length - suffix.Length);
            if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) found.Add((n, file));
        }
        found.Sort(static (a, b) => a.Item1.CompareTo(b.Item1));
        return found;
    }

    /// <summary>Opens a file for appending, created 0600.</summary>
    public static FileStream OpenAppend(string path) => new(path, Options(System.IO.FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read));

    /// <summary>Unbuffered (each write is one syscall), created 0600.</summary>
    public static FileStreamOptions Options(System.IO.FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileCreateMode;
        return options;
    }

    /// <summary>Makes a rename or a new file in the directory durable (the entry, not only the data). Best effort off Linux.</summary>
    public void SyncDirectory()
    {
        if (!OperatingSystem.IsLinux()) return;
        var fd = Open(Path, 0 /* O_RDONLY */);
        if (fd < 0) return;
        _ = Fsync(fd);
        _ = Close(fd);
    }

    /// <summary>fsync of an open file, callable from a thread other than the one writing it (FileStream is not thread-safe).</summary>
    public static void Sync(FileStream file)
    {
        if (!OperatingSystem.IsLinux())
        {
            file.Flush(flushToDisk: true);
            return;
        }
        if (Fsync((int)file.SafeFileHandle.DangerousGetHandle()) != 0)
        {
            throw new IOException($"fsync of {file.Name} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    public void Dispose() => _lock.Dispose();
}
