using System.Diagnostics;

namespace RogerRat.Bench.Load;

/// <summary>Senders DMing a sink as fast as answers come back, each on its own keep-alive connection; and the sink's
/// drain, which keeps its backlog moving as a listening agent would.</summary>
internal static class SendLoad
{
    /// <summary>Runs every sender for <paramref name="seconds"/>; reports sends/s and send latency (request to 200).</summary>
    public static async Task<double> MeasureAsync(Report report, string name, IReadOnlyList<Agent> senders, double seconds)
    {
        var latencies = new List<double>[senders.Count];
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(seconds * Stopwatch.Frequency);
        await Task.WhenAll(senders.Select((s, i) => Task.Run(async () =>
        {
            var lat = latencies[i] = [];
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (await LoadClient.SendAsync(s, "sink", "x") < 0) break;
                lat.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var perSecond = all.Length / elapsed;
        report.Row(name, "sends_per_s", perSecond);
        report.Latencies(name, "send", all);
        return perSecond;
    }

    /// <summary>Listens as <paramref name="sink"/> until stopped; what it misses does not matter here.</summary>
    public static async Task DrainAsync(Agent sink, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!(await LoadClient.ListenAsync(sink, 1)).Ok) return;
        }
    }
}
