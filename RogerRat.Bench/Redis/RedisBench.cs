using System.Diagnostics;
using System.Globalization;
using System.Net;
using RogerRat.Bench.Load;

namespace RogerRat.Bench.Redis;

/// <summary>
/// <c>RogerRat.Bench redisbench --binary PATH [--rounds 200] [--listeners 1000] [--broadcasts 5] [--seconds 4] [--senders 30]
/// [--out results.tsv]</c>: several hubs on one Redis against one hub, side by side in one run. A fresh redis-server
/// (appendonly yes, appendfsync everysec) and three hubs (<c>PATH --redis</c>) on loopback:
/// <list type="bullet">
/// <item>wake-1: a listen parked on hub A (same hub) or B (cross hub), a DM sent through A; wake latency = from the send's
/// request to the listen's last byte, per round. Also on a hub without Redis (memory), the floor of this client.</item>
/// <item>wake-N: N listens parked on A or on B, one broadcast through A: every listener's wake latency and the time until
/// the last one woke.</item>
/// <item>sends: S senders DMing a draining sink for a few seconds, through one hub and spread over three, on one channel
/// and on ten; and the same binary without Redis (one hub, in memory) as the baseline.</item>
/// </list>
/// Every figure is a row of <see cref="Report"/>; cross/same and 3-hub/1-hub ratios come last.
/// </summary>
internal static class RedisBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string def) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : def; }
        int Int(string name, int def) => int.Parse(Arg(name, def.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var binary = Arg("--binary", "");
        if (binary.Length == 0 || !File.Exists(binary))
        {
            Console.Error.WriteLine("usage: redisbench --binary PATH [--rounds 200] [--listeners 1000] [--broadcasts 5] [--seconds 4] [--senders 30] [--out results.tsv]");
            return 2;
        }
        var report = new Report("redis", 0);
        await using var redis = await RedisProcess.StartAsync();
        var hubFlags = new[] { "--redis", $"127.0.0.1:{redis.Port}", "--max-sessions-per-channel", "4000", "--max-connections", "15000" };
        var hubs = new HubProcess[3];
        for (var i = 0; i < 3; i++) hubs[i] = await HubProcess.StartAsync(binary, hubFlags);
        try
        {
            var (a, b) = (hubs[0].EndPoint, hubs[1].EndPoint);
            var rounds = Int("--rounds", 200);
            await using (var alone = await HubProcess.StartAsync(binary))
            {
                await WakeOneAsync(report, "wake-1-memory-hub", alone.EndPoint, alone.EndPoint, rounds);
            }
            var same1 = await WakeOneAsync(report, "wake-1-same-hub", a, a, rounds);
            var cross1 = await WakeOneAsync(report, "wake-1-cross-hub", a, b, rounds);
            var listeners = Int("--listeners", 1000);
            var broadcasts = Int("--broadcasts", 5);
            var sameN = await WakeManyAsync(report, $"wake-{listeners}-same-hub", a, a, listeners, broadcasts);
            var crossN = await WakeManyAsync(report, $"wake-{listeners}-cross-hub", a, b, listeners, broadcasts);
            report.Row("wake-1", "cross_over_same_p50", cross1.P50 / same1.P50);
            report.Row("wake-1", "cross_over_same_p99", cross1.P99 / same1.P99);
            report.Row($"wake-{listeners}", "cross_over_same_p99", crossN.P99 / sameN.P99);
            report.Row($"wake-{listeners}", "cross_over_same_time_to_last", crossN.Last / sameN.Last);

            var seconds = double.Parse(Arg("--seconds", "4"), CultureInfo.InvariantCulture);
            var senders = Int("--senders", 30);
            double memory;
            await using (var alone = await HubProcess.StartAsync(binary, "--max-sessions-per-channel", "4000"))
            {
                memory = await SendsAsync(report, "sends-memory-1-hub-1-channel", [alone.EndPoint], 1, senders, seconds);
            }
            var one = await SendsAsync(report, "sends-redis-1-hub-1-channel", [a], 1, senders, seconds);
            var three = await SendsAsync(report, "sends-redis-3-hubs-1-channel", [.. hubs.Select(h => h.EndPoint)], 1, senders, seconds);
            var oneTen = await SendsAsync(report, "sends-redis-1-hub-10-channels", [a], 10, senders, seconds);
            var threeTen = await SendsAsync(report, "sends-redis-3-hubs-10-channels", [.. hubs.Select(h => h.EndPoint)], 10, senders, seconds);
            report.Row("sends-1-channel", "three_hubs_over_one", three / one);
            report.Row("sends-10-channels", "three_hubs_over_one", threeTen / oneTen);
            report.Row("sends-1-channel", "redis_over_memory", one / memory);
        }
        finally
        {
            foreach (var hub in hubs) await hub.DisposeAsync();
        }
        await report.SaveAsync(Arg("--out", ""));
        Console.WriteLine($"# lost/duplicated/errors: {Tally.Lost}/{Tally.Duplicated}/{Tally.Errors}");
        return Tally.Errors == 0 ? 0 : 1;
    }

    private readonly record struct Wake(double P50, double P99, double Last);

    // One listener parked on `listenOn`, one DM through `sendOn`, `rounds` times.
    private static async Task<Wake> WakeOneAsync(Report report, string name, IPEndPoint sendOn, IPEndPoint listenOn, int rounds)
    {
        var (channel, token) = await LoadClient.CreateAsync(sendOn);
        await using var tx = await LoadClient.JoinAsync(sendOn, channel, token, "tx", 0, false);
        await using var rx = await LoadClient.JoinAsync(listenOn, channel, token, "rx", 1, false);
        var latencies = new List<double>();
        for (var i = 0; i < rounds + 10; i++)
        {
            var listen = LoadClient.ListenAsync(rx, 30);
            await Task.Delay(15); // parked (and subscribed: the first round's watch is set up in this time too)
            var sent = Stopwatch.GetTimestamp();
            if (await LoadClient.SendAsync(tx, "rx", $"w{i}") < 0) break;
            var heard = await listen;
            if (heard.Ids.Count != 1) Tally.Error($"{name}: round {i} heard {heard.Ids.Count} messages");
            if (i >= 10) latencies.Add(Tally.Since(sent, heard.At)); // the first rounds warm up the paths
        }
        var sorted = latencies.Order().ToArray();
        report.Latencies(name, "wake", sorted);
        return new Wake(Report.Pct(sorted, 0.5), Report.Pct(sorted, 0.99), sorted.Length > 0 ? sorted[^1] : 0);
    }

    // `count` listeners parked on `listenOn`, one broadcast through `sendOn`, `broadcasts` times.
    private static async Task<Wake> WakeManyAsync(Report report, string name, IPEndPoint sendOn, IPEndPoint listenOn, int count, int broadcasts)
    {
        var (channel, token) = await LoadClient.CreateAsync(sendOn);
        await using var tx = await LoadClient.JoinAsync(sendOn, channel, token, "tx", 0, false);
        var rx = new Agent[count];
        for (var i = 0; i < count; i++) rx[i] = await LoadClient.JoinAsync(listenOn, channel, token, $"rx{i}", i + 1, false);
        var all = new List<double>();
        var lasts = new List<double>();
        for (var round = 0; round < broadcasts + 1; round++)
        {
            var listens = rx.Select(r => LoadClient.ListenAsync(r, 60)).ToArray();
            await Task.Delay(Math.Max(200, count / 2)); // every listen parked
            var sent = Stopwatch.GetTimestamp();
            if (await LoadClient.SendAsync(tx, "all", $"b{round}") < 0) break;
            var heard = await Task.WhenAll(listens);
            var wakes = heard.Select(h => Tally.Since(sent, h.At)).ToArray();
            foreach (var h in heard) if (h.Ids.Count != 1) Tally.Error($"{name}: a listener heard {h.Ids.Count} messages");
            if (round == 0) continue; // warm-up
            all.AddRange(wakes);
            lasts.Add(wakes.Max());
        }
        foreach (var r in rx) await r.DisposeAsync();
        var sorted = all.Order().ToArray();
        report.Latencies(name, "wake", sorted);
        var last = Report.Median(lasts);
        report.Row(name, "time_to_last_ms_median", last);
        return new Wake(Report.Pct(sorted, 0.5), Report.Pct(sorted, 0.99), last);
    }

    // `senders` callsigns DMing a sink on their channel as fast as answers come back; sender i uses hubs[i % n].
    private static async Task<double> SendsAsync(Report report, string name, IPEndPoint[] hubs, int channels, int senders, double seconds)
    {
        var rooms = new List<(string Id, string Token, Agent Sink)>();
        for (var c = 0; c < channels; c++)
        {
            var (id, token) = await LoadClient.CreateAsync(hubs[0]);
            rooms.Add((id, token, await LoadClient.JoinAsync(hubs[c % hubs.Length], id, token, "sink", c, false)));
        }
        using var stop = new CancellationTokenSource();
        var drains = rooms.Select(r => SendLoad.DrainAsync(r.Sink, stop.Token)).ToArray();
        var agents = new Agent[senders];
        for (var i = 0; i < senders; i++)
        {
            var room = rooms[i % channels];
            agents[i] = await LoadClient.JoinAsync(hubs[i % hubs.Length], room.Id, room.Token, $"s{i}", i + channels, false);
        }
        var perSecond = await SendLoad.MeasureAsync(report, name, agents, seconds);
        stop.Cancel();
        await Task.WhenAll(drains);
        foreach (var s in agents) await s.DisposeAsync();
        foreach (var r in rooms) await r.Sink.DisposeAsync();
        return perSecond;
    }

    /// <summary>A redis-server on a free loopback port with its own temp dir; killed and removed on dispose.</summary>
    private sealed class RedisProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _dir;

        private RedisProcess(Process process, string dir, int port) => (_process, _dir, Port) = (process, dir, port);

        public int Port { get; }

        public static async Task<RedisProcess> StartAsync()
        {
            var dir = Directory.CreateTempSubdirectory("rr-redisbench-").FullName;
            var port = HubProcess.FreePort();
            var info = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes",
                         "--appendfsync", "everysec", "--save", "" })
                info.ArgumentList.Add(a);
            var process = Process.Start(info) ?? throw new IOException("could not start redis-server (apt-get install redis-server)");
            process.OutputDataReceived += static (_, _) => { };
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var redis = new RedisProcess(process, dir, port);
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    using var c = new System.Net.Sockets.TcpClient();
                    await c.ConnectAsync(IPAddress.Loopback, port);
                    return redis;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    await Task.Delay(50);
                }
            }
            await redis.DisposeAsync();
            throw new IOException("redis-server did not start");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) _process.Kill();
            await _process.WaitForExitAsync();
            _process.Dispose();
            Directory.Delete(_dir, recursive: true);
        }
    }
}
