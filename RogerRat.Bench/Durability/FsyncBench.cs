using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RogerRat.Bench.Load;

namespace RogerRat.Bench.Durability;

/// <summary>
/// <c>RogerRat.Bench fsyncbench --binary PATH [--seconds 4] [--senders 1,50] [--dir /var/tmp] [--label fsync] [--modes memory,off,batch,always]</c>: sends/s and send
/// latency (request to 200) of the hub binary in memory and with <c>--data-dir</c> under <c>--fsync off</c>,
/// <c>batch</c> and <c>always</c>, one mode after the other in one run, each on a fresh hub and a fresh data dir.
/// Every sender is a callsign sending DMs one at a time over its own keep-alive connection to a sink callsign that
/// drains in the background. Ends with batch/always at the largest sender count, the ratio group commit is judged by.
/// <c>--dir</c> puts the data dirs on another device (slow-flush.sh mounts one whose flush costs milliseconds) and
/// <c>--label</c> names it in the rows.
/// </summary>
internal static class FsyncBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string def) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : def; }
        var binary = Arg("--binary", "");
        if (binary.Length == 0 || !File.Exists(binary))
        {
            Console.Error.WriteLine("usage: fsyncbench --binary PATH [--seconds 4] [--senders 1,50] [--dir /var/tmp] [--label fsync] [--modes memory,off,batch,always]");
            return 2;
        }
        var seconds = double.Parse(Arg("--seconds", "4"), CultureInfo.InvariantCulture);
        var senderCounts = Arg("--senders", "1,50").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var root = Arg("--dir", "/var/tmp");
        var modes = Arg("--modes", "memory,off,batch,always").Split(',');
        var report = new Report(Arg("--label", "fsync"), 0);
        var rate = new Dictionary<(string Mode, int Senders), double>();
        foreach (var mode in modes)
        {
            var dataDir = Path.Combine(root, $"rr-fsyncbench-{Environment.ProcessId}-{mode}");
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
            await using var hub = await HubProcess.StartAsync(binary, mode == "memory" ? [] : ["--data-dir", dataDir, "--fsync", mode]);
            var (channel, token) = await LoadClient.CreateAsync(hub.EndPoint);
            var sink = await LoadClient.JoinAsync(hub.EndPoint, channel, token, "sink", 0, false);
            using var stopDrain = new CancellationTokenSource();
            var drain = SendLoad.DrainAsync(sink, stopDrain.Token);
            var senders = new List<Agent>();
            for (var i = 0; i < senderCounts.Max(); i++)
                senders.Add(await LoadClient.JoinAsync(hub.EndPoint, channel, token, $"s{i}", i + 1, false));
            foreach (var count in senderCounts)
                rate[(mode, count)] = await SendLoad.MeasureAsync(report, $"{mode}-{count}", senders.Take(count).ToList(), seconds);
            stopDrain.Cancel();
            await drain;
            foreach (var s in senders) await s.DisposeAsync();
            await sink.DisposeAsync();
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
        var most = senderCounts.Max();
        if (rate.TryGetValue(("always", most), out var always) && rate.TryGetValue(("batch", most), out var batch) && always > 0)
            report.Row($"batch/always-{most}", "sends_per_s_ratio", batch / always);
        return Tally.Errors == 0 ? 0 : 1;
    }
}
