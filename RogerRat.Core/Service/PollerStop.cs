namespace RogerRat.Core.Service;

/// <summary>
/// How the pollers the hub hands out are stopped. The loop is frozen first: killed first, it could fork its next curl
/// between the two kills, and that orphan would take the next answer and commit it with nobody reading; killing the
/// children first has the same window. Frozen, it forks nothing; its children (the waiting curl, a sleep) go, then the
/// loop itself (the TERM lands when it is thawed). Portable: macOS has no setsid for a process group.
/// </summary>
internal static class PollerStop
{
    /// <summary>The shell line that stops the poller whose PID is in <paramref name="pidFile"/>: freeze it, kill its children, then end it.</summary>
    public static string Command(string pidFile) =>
        $"P=$(cat {pidFile}); kill -STOP \"$P\"; pkill -P \"$P\"; kill \"$P\"; kill -CONT \"$P\"";
}
