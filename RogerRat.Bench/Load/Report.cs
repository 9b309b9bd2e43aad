using System.Globalization;

namespace RogerRat.Bench.Load;

/// <summary>The harness's output: one tab-separated row per figure (label, scenario, metric, value), echoed to stdout
/// and appended to the results file that <see cref="LoadReport"/> reads.</summary>
internal sealed class Report(string label, int pid)
{
    private readonly List<string> _rows = [];

    public void Row(string scenario, string metric, double value)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{label}\t{scenario}\t{metric}\t{value:0.###}");
        lock (_rows) _rows.Add(line);
        Console.WriteLine(line);
    }

    public void Latencies(string scenario, string what, double[] sorted)
    {
        Row(scenario, $"{what}_p50_ms", Pct(sorted, 0.50));
        Row(scenario, $"{what}_p99_ms", Pct(sorted, 0.99));
        Row(scenario, $"{what}_max_ms", sorted.Length > 0 ? sorted[^1] : 0);
    }

    /// <summary>The hub's resident set now, in KiB (-1 without a pid).</summary>
    public long Rss(string scenario, string metric)
    {
        if (pid <= 0) return -1;
        var rss = RssKib(pid);
        Row(scenario, metric, rss);
        return rss;
    }

    public Task SaveAsync(string path) => path.Length == 0 ? Task.CompletedTask : File.AppendAllLinesAsync(path, _rows);

    public static long RssKib(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return -1;
    }

    public static double Pct(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public static double Median(List<double> xs) => Pct(xs.Order().ToArray(), 0.5);
}
