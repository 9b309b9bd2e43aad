namespace RogerRat.Bench.Load;

/// <summary>
/// Confines a profile to the measured part of a scenario: with <c>--perf-ctl ctl.fifo,ack.fifo</c> the harness writes
/// <c>enable</c> to the control FIFO of a <c>perf record -D -1 --control fifo:ctl.fifo,ack.fifo</c> just before the
/// measured part (the broadcast's send, the ping-pong's first hop) and <c>disable</c> right after it, so the joins and
/// parks around it stay out of the samples. Without the option every call is a no-op.
/// </summary>
internal static class PerfWindow
{
    private static StreamWriter? s_control;
    private static StreamReader? s_ack;

    public static void Configure(string? fifos)
    {
        if (string.IsNullOrEmpty(fifos)) return;
        var parts = fifos.Split(',');
        // FIFOs block on open until perf has its end open; perf opens both before it starts the workload.
        s_control = new StreamWriter(new FileStream(parts[0], FileMode.Open, FileAccess.Write)) { AutoFlush = true };
        s_ack = new StreamReader(new FileStream(parts[1], FileMode.Open, FileAccess.Read));
    }

    public static void Enable() => Command("enable");

    public static void Disable() => Command("disable");

    private static void Command(string command)
    {
        if (s_control is null) return;
        s_control.WriteLine(command);
        s_ack!.ReadLine(); // "ack": perf has switched, so the samples start (or stop) here
    }
}
