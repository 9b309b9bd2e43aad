using BenchmarkDotNet.Running;
using RogerRat.Bench.Http;

namespace RogerRat.Bench;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // Load-test servers for Http/run-vs-kestrel.sh: the same two routes on RogerRat.Http and on Kestrel.
        if (args.Length == 2 && args[0] is "serve-rogerrat" or "serve-kestrel")
        {
            var port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            await (args[0] == "serve-rogerrat" ? ComparisonServers.RunRogerRatAsync(port) : ComparisonServers.RunKestrelAsync(port));
            return 0;
        }
        // Compliance-probe targets for Http/run-http11probe.sh: the probe's expected app on both servers.
        if (args.Length == 2 && args[0] is "probe-target-rogerrat" or "probe-target-kestrel")
        {
            var port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            await (args[0] == "probe-target-rogerrat" ? ProbeTargetServers.RunRogerRatAsync(port) : ProbeTargetServers.RunKestrelAsync(port));
            return 0;
        }
        // End-to-end baselines for Load/run-all.sh: the REST subset on Kestrel, over our engine or the one-lock baseline.
        if (args.Length is 2 or 3 && args[0] is "serve-kestrel-core" or "serve-kestrel-locked")
        {
            var port = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
            var maxSessions = args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000;
            await (args[0] == "serve-kestrel-core" ? Load.KestrelHubs.RunCoreAsync(port, maxSessions) : Load.KestrelHubs.RunLockedAsync(port, maxSessions));
            return 0;
        }
        if (args.Length == 3 && args[0] == "loadtest-report") return Load.LoadReport.Run(args[1], args[2]);
        if (args.Length >= 1 && args[0] == "loadtest") return await Load.LoadTest.RunAsync(args[1..]);
        if (args.Length >= 1 && args[0] == "startup") return await Load.StartupBench.RunAsync(args[1..]);
        if (args.Length >= 1 && args[0] == "fsyncbench") return await Durability.FsyncBench.RunAsync(args[1..]);
        if (args.Length >= 1 && args[0] == "redisbench") return await Redis.RedisBench.RunAsync(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
