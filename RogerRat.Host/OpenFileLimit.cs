using System.Runtime.InteropServices;

namespace RogerRat.Host;

/// <summary>
/// Keeps the hub's connection limit under the process's open-file limit. Each connection is a file descriptor; a
/// process out of descriptors cannot accept, and the .NET runtime itself fails in odd ways (it cannot open the files it
/// loads lazily), so the server must refuse with 503 before that point. At start the soft limit is raised to the hard
/// one, as Go's runtime does (Debian's default soft limit is 1024).
/// </summary>
internal static partial class OpenFileLimit
{
    // Descriptors kept, beyond those open at start, for everything that is not an inbound connection: assemblies the
    // runtime loads later, logs, webhook clients, and the brief descriptor of each connection refused with 503.
    private const int MinimumReserve = 64;

    /// <summary>The soft limit after trying to raise it, or null where it cannot be read (Windows).</summary>
    public static long? RaiseToHard()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return null;
        var resource = OperatingSystem.IsLinux() ? 7 : 8; // RLIMIT_NOFILE
        try
        {
            if (getrlimit(resource, out var limit) != 0) return null;
            if (limit.Current < limit.Maximum)
            {
                var raised = limit with { Current = limit.Maximum };
                if (setrlimit(resource, in raised) == 0) limit = raised;
            }
            return limit.Current > long.MaxValue ? long.MaxValue : (long)limit.Current;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The most connections that fit in <paramref name="softLimit"/> descriptors when <paramref name="inUse"/>
    /// are already open, at most <paramref name="wanted"/>.</summary>
    public static int ConnectionsThatFit(long softLimit, int inUse, int wanted)
    {
        var reserve = Math.Max(MinimumReserve, softLimit / 10);
        return (int)Math.Clamp(softLimit - inUse - reserve, 1, wanted);
    }

    /// <summary>Descriptors open now (the JIT-compiled hub holds about a hundred, the native one a handful).</summary>
    public static int InUse()
    {
        try
        {
            return Directory.GetFiles(OperatingSystem.IsLinux() ? "/proc/self/fd" : "/dev/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 128;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct RLimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);
}
