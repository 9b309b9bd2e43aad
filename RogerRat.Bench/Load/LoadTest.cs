using System.Globalization;
using System.Net;

namespace RogerRat.Bench.Load;

/// <summary>
/// <c>RogerRat.Bench loadtest --port P [--pid PID] [--scenario all|pingpong,broadcast,dm,parked] [--pairs 1,50]
/// [--shared-channel] [--seconds 5] [--n 100,1000] [--repeats 3] [--dm-pairs 100] [--dm-seconds 30] [--parked 1000,10000]
/// [--parked-per-channel 1000] [--out results.tsv] [--label name] [--perf-ctl ctl.fifo,ack.fifo] [--quiet-ms 0]</c>: the
/// end-to-end load harness over raw sockets (async, no thread per connection). <c>--perf-ctl</c> confines a perf profile
/// to the measured parts (<see cref="PerfWindow"/>); <c>--quiet-ms</c> idles after each broadcast round. <c>all</c> is
/// pingpong, broadcast and dm; <c>parked</c> wants a fresh hub (its RSS per parked listen is against the hub's RSS before
/// the harness connected). Every acknowledged send is accounted for by a <see cref="Ledger"/>: delivered, evicted (the hub
/// reported it <c>missed</c>), or lost; an id delivered twice to one listener is duplicated. Exit 1 on any
/// lost/duplicated/error, so CI can gate on correctness only.
/// </summary>
internal static class LoadTest
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string def) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : def; }
        int[] Ints(string s) => s.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        double Num(string name, string def) => double.Parse(Arg(name, def), CultureInfo.InvariantCulture);
        var port = (int)Num("--port", "7424");
        var pid = (int)Num("--pid", "0");
        var scenarios = Arg("--scenario", "all").Split(',');
        bool Has(string s) => scenarios.Contains(s) || (scenarios.Contains("all") && s != "parked");
        var report = new Report(Arg("--label", "hub"), pid);
        var server = new IPEndPoint(IPAddress.Loopback, port);
        var fresh = pid > 0 ? Report.RssKib(pid) : -1;
        Console.WriteLine($"# nofile soft limit {FileLimit.Raise(140_000)}");
        Console.WriteLine($"# harness pid {Environment.ProcessId}"); // profile.sh tells the client's samples by it
        PerfWindow.Configure(Arg("--perf-ctl", ""));

        if (pid > 0) report.Row("idle", "rss_kib", fresh);
        if (Has("pingpong"))
            foreach (var pairs in Ints(Arg("--pairs", "1,50"))) await Scenarios.PingPongAsync(server, report, pairs, Num("--seconds", "5"), args.Contains("--shared-channel"));
        if (Has("broadcast"))
            foreach (var n in Ints(Arg("--n", "100,1000"))) await Scenarios.BroadcastAsync(server, report, n, (int)Num("--repeats", "3"), (int)Num("--quiet-ms", "0"));
        if (Has("dm"))
            foreach (var pairs in Ints(Arg("--dm-pairs", "100"))) await Scenarios.DmPairsAsync(server, report, pairs, Num("--dm-seconds", "30"));
        if (Has("parked"))
            await Scenarios.ParkedAsync(server, report, Ints(Arg("--parked", "1000,10000")), (int)Num("--parked-per-channel", "1000"), fresh);
        var section = string.Join('+', scenarios);
        report.Row(section, "lost", Tally.Lost);
        report.Row(section, "duplicated", Tally.Duplicated);
        report.Row(section, "errors", Tally.Errors);
        report.Row(section, "evicted", Tally.Evicted);
        await report.SaveAsync(Arg("--out", ""));
        return Tally.Lost + Tally.Duplicated + Tally.Errors == 0 ? 0 : 1;
    }
}
