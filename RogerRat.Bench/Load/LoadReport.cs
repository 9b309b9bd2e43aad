using System.Globalization;

namespace RogerRat.Bench.Load;

/// <summary>
/// <c>RogerRat.Bench loadtest-report results.tsv chart.png</c>: prints every figure of run-all.sh's servers side by
/// side with its ratio against the two Kestrel baselines (ratio = figure / baseline figure; for latencies and RSS lower
/// is better, for rates higher is better) and draws wake p99 against N for all of them.
/// </summary>
internal static class LoadReport
{
    public static int Run(string tsv, string png)
    {
        var rows = File.ReadAllLines(tsv).Select(l => l.Split('\t')).Where(p => p.Length == 4)
            .Select(p => (Label: p[0], Scenario: p[1], Metric: p[2], Value: double.Parse(p[3], CultureInfo.InvariantCulture))).ToList();
        var labels = rows.Select(r => r.Label).Distinct().ToList();
        double? Get(string label, string scenario, string metric) =>
            rows.Where(r => r.Label == label && r.Scenario == scenario && r.Metric == metric).Select(r => (double?)r.Value).FirstOrDefault();
        Console.WriteLine($"| scenario | metric | {string.Join(" | ", labels)} | " + string.Join(" | ", labels.Where(l => !l.StartsWith("kestrel", StringComparison.Ordinal)).SelectMany(l => new[] { $"{l} / kestrel-core", $"{l} / kestrel-locked" })) + " |");
        Console.WriteLine("|" + string.Concat(Enumerable.Repeat("---|", 2 + labels.Count + 2 * labels.Count(l => !l.StartsWith("kestrel", StringComparison.Ordinal)))));
        foreach (var (scenario, metric) in rows.Select(r => (r.Scenario, r.Metric)).Distinct())
        {
            var cells = labels.Select(l => Get(l, scenario, metric) is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "-");
            var ratios = labels.Where(l => !l.StartsWith("kestrel", StringComparison.Ordinal)).SelectMany(l => new[] { "kestrel-core", "kestrel-locked" }.Select(b =>
                Get(l, scenario, metric) is { } v && Get(b, scenario, metric) is { } bv && bv != 0 ? (v / bv).ToString("0.00x", CultureInfo.InvariantCulture) : "-"));
            Console.WriteLine($"| {scenario} | {metric} | {string.Join(" | ", cells)} | {string.Join(" | ", ratios)} |");
        }

        var plot = new ScottPlot.Plot();
        foreach (var label in labels)
        {
            var points = rows.Where(r => r.Label == label && r.Metric == "wake_p99_ms" && r.Scenario.StartsWith("broadcast-", StringComparison.Ordinal))
                .Select(r => (N: double.Parse(r.Scenario["broadcast-".Length..], CultureInfo.InvariantCulture), r.Value)).OrderBy(p => p.N).ToArray();
            if (points.Length == 0) continue;
            var scatter = plot.Add.Scatter(points.Select(p => Math.Log10(p.N)).ToArray(), points.Select(p => p.Value).ToArray());
            scatter.LegendText = label;
        }
        plot.Title("One broadcast to N parked long-polls: wake p99");
        plot.XLabel("log10(N parked listeners)");
        plot.YLabel("wake p99 (ms)");
        plot.ShowLegend();
        plot.SavePng(png, 900, 540);
        Console.WriteLine($"chart: {png}");
        return 0;
    }
}
