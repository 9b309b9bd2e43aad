using System.Diagnostics;
using System.Net;

namespace RogerRat.Bench.Load;

/// <summary>
/// The harness's scenarios. Each pair of agents has a channel of its own, as two agents talking would: pairs sharing one
/// channel share its ring (100 messages), so under load a slow pair's message rotates out before it reads it, which is
/// the hub's documented gap report (counted as evicted), not what a ping-pong measures.
/// </summary>
internal static class Scenarios
{
    /// <summary>(a) Pairs bouncing one DM back and forth: a round trip is two acknowledged sends and two deliveries.</summary>
    public static async Task PingPongAsync(IPEndPoint server, Report report, int pairs, double seconds, bool sharedChannel)
    {
        var agents = await JoinPairsAsync(server, pairs, sharedChannel);
        var latencies = new List<double>[pairs];
        PerfWindow.Enable();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(seconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, pairs).Select(p => Task.Run(async () =>
        {
            var (a, b) = agents[p];
            var (inA, inB) = (new Ledger(), new Ledger());
            var lat = latencies[p] = [];
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var t0 = Stopwatch.GetTimestamp();
                if (!await HopAsync(a, b, inB) || !await HopAsync(b, a, inA)) break;
                lat.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            if (p == 0) PerfWindow.Disable(); // the other pairs are finishing their last hop too
            await inB.SettleAsync(b);
            await inA.SettleAsync(a);
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var name = $"pingpong-{pairs}";
        report.Row(name, "round_trips_per_s", all.Length / elapsed);
        report.Row(name, "deliveries_per_s", 2 * all.Length / elapsed);
        report.Latencies(name, "rt", all);
        foreach (var (a, b) in agents) { await a.DisposeAsync(); await b.DisposeAsync(); }
    }

    // One DM and the listens that bring it; false when the listener gave up (the ledger's drain then decides).
    private static async Task<bool> HopAsync(Agent from, Agent to, Ledger inbox)
    {
        var id = await LoadClient.SendAsync(from, to.Callsign, "ping");
        if (id < 0) return false;
        inbox.Promise(id);
        while (!inbox.HasSeen(id))
        {
            var r = await LoadClient.ListenAsync(to, 10);
            inbox.Take(r);
            if (!r.Ok || (r.Ids.Count == 0 && r.Missed == 0)) return false;
            if (r.Missed > 0 && r.Ids.Count == 0) return false;
        }
        return true;
    }

    /// <summary>(c) Pairs streaming DMs one way for a while: the sender sends as fast as its acknowledgements come, the
    /// receiver listens in a loop and takes batches. Latency is send start to the receiver holding the message.</summary>
    public static async Task DmPairsAsync(IPEndPoint server, Report report, int pairs, double seconds)
    {
        var agents = await JoinPairsAsync(server, pairs, sharedChannel: false);
        var latencies = new List<double>[pairs];
        long delivered = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(seconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, pairs).Select(p => Task.Run(async () =>
        {
            var (a, b) = agents[p];
            var inbox = new Ledger();
            var lat = latencies[p] = [];
            var sentAt = new Dictionary<long, long>();
            var sending = true;
            var sender = Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var id = await LoadClient.SendAsync(a, b.Callsign, "dm");
                    if (id < 0) break;
                    lock (sentAt) { inbox.Promise(id); sentAt[id] = t0; }
                }
                Volatile.Write(ref sending, false);
            });
            while (Volatile.Read(ref sending))
            {
                var r = await LoadClient.ListenAsync(b, 2);
                lock (sentAt)
                {
                    inbox.Take(r);
                    foreach (var id in r.Ids)
                        if (sentAt.Remove(id, out var t0)) lat.Add(Tally.Since(t0, r.At));
                }
                Interlocked.Add(ref delivered, r.Ids.Count);
                if (!r.Ok) break;
            }
            await sender;
            await inbox.SettleAsync(b);
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var name = $"dm-{pairs}";
        report.Row(name, "deliveries_per_s", delivered / elapsed);
        report.Latencies(name, "delivery", all);
        foreach (var (a, b) in agents) { await a.DisposeAsync(); await b.DisposeAsync(); }
    }

    // sharedChannel puts every pair on one channel (the first harness did): kept to show that its "lost" were ring
    // evictions the hub reported as missed.
    private static async Task<(Agent A, Agent B)[]> JoinPairsAsync(IPEndPoint server, int pairs, bool sharedChannel)
    {
        var agents = new (Agent, Agent)[pairs];
        var (id, token) = ("", "");
        for (var p = 0; p < pairs; p++)
        {
            if (p == 0 || !sharedChannel) (id, token) = await LoadClient.CreateAsync(server);
            agents[p] = (await LoadClient.JoinAsync(server, id, token, $"a{p}", 2 * p, sendConnection: true),
                await LoadClient.JoinAsync(server, id, token, $"b{p}", 2 * p + 1, sendConnection: true));
        }
        return agents;
    }

    /// <summary>(b) One broadcast to N listeners parked on one channel, <paramref name="repeats"/> rounds: wake latency
    /// is send start to each listener holding the message; time to last is the slowest of them. <paramref name="quietMs"/>
    /// more idle before and after each broadcast lets a counter tool that samples once a second (dotnet-counters) see
    /// each wake alone.</summary>
    public static async Task BroadcastAsync(IPEndPoint server, Report report, int n, int repeats, int quietMs = 0)
    {
        var (id, token) = await LoadClient.CreateAsync(server);
        var sender = await LoadClient.JoinAsync(server, id, token, "sender", 0, sendConnection: false);
        var listeners = await JoinManyAsync(server, id, token, n, 1);
        var inboxes = listeners.Select(_ => new Ledger()).ToArray();
        var p50s = new List<double>(); var p99s = new List<double>(); var lasts = new List<double>();
        for (var round = 0; round < repeats; round++)
        {
            var parked = listeners.Select(a => LoadClient.ListenAsync(a, 60)).ToArray();
            await Task.Delay(ParkDelay(n) + TimeSpan.FromMilliseconds(quietMs));
            PerfWindow.Enable();
            var t0 = Stopwatch.GetTimestamp();
            var msg = await LoadClient.SendAsync(sender, "all", $"b{round}");
            var results = await Task.WhenAll(parked);
            PerfWindow.Disable();
            if (quietMs > 0) await Task.Delay(quietMs);
            var wakes = new double[n];
            for (var i = 0; i < n; i++)
            {
                inboxes[i].Promise(msg);
                inboxes[i].Take(results[i]);
                wakes[i] = Tally.Since(t0, results[i].At);
            }
            Array.Sort(wakes);
            p50s.Add(Report.Pct(wakes, 0.5)); p99s.Add(Report.Pct(wakes, 0.99)); lasts.Add(wakes[^1]);
        }
        for (var i = 0; i < n; i++) await inboxes[i].SettleAsync(listeners[i]);
        var name = $"broadcast-{n}";
        report.Row(name, "wake_p50_ms", Report.Median(p50s));
        report.Row(name, "wake_p99_ms", Report.Median(p99s));
        report.Row(name, "time_to_last_ms", Report.Median(lasts));
        report.Row(name, "deliveries_per_s", n / (Report.Median(lasts) / 1000.0));
        report.Rss(name, "rss_kib");
        foreach (var a in listeners) await a.DisposeAsync();
        await sender.DisposeAsync();
    }

    /// <summary>(d) Parked capacity: listens parked on channels of <paramref name="perChannel"/> listeners each, grown
    /// to every N in turn; hub RSS per parked listen (its session and connection included) against the RSS the hub had
    /// before the harness connected at all (run this on a fresh hub). Then one broadcast per channel proves every parked
    /// listen still answers.</summary>
    public static async Task ParkedAsync(IPEndPoint server, Report report, int[] ns, int perChannel, long freshRssKib)
    {
        var channels = new List<(Agent Sender, List<Agent> Listeners)>();
        var parked = new List<Agent>();
        var listens = new List<Task<ListenResult>>();
        var total = 0;
        foreach (var n in ns.Order())
        {
            while (total < n)
            {
                if (channels.Count == 0 || channels[^1].Listeners.Count == perChannel)
                {
                    var (id, token) = await LoadClient.CreateAsync(server);
                    channels.Add((await LoadClient.JoinAsync(server, id, token, "sender", total, sendConnection: false), []));
                }
                var (s, ls) = channels[^1];
                var batch = Math.Min(n - total, perChannel - ls.Count);
                var joined = await JoinManyAsync(server, s.Channel, s.Token, batch, total + 1, firstCallsign: ls.Count);
                ls.AddRange(joined);
                parked.AddRange(joined);
                listens.AddRange(joined.Select(a => LoadClient.ListenAsync(a, 60)));
                total += batch;
            }
            await Task.Delay(ParkDelay(n));
            if (Repark(parked, listens) > 0) await Task.Delay(ParkDelay(n));
            var rss = report.Rss($"parked-{n}", "rss_kib");
            if (rss > 0 && freshRssKib > 0) report.Row($"parked-{n}", "rss_per_parked_bytes", (rss - freshRssKib) * 1024.0 / n);
        }
        if (Repark(parked, listens) > 0) await Task.Delay(ParkDelay(total));
        var t0 = Stopwatch.GetTimestamp();
        await Task.WhenAll(channels.Select(c => LoadClient.SendAsync(c.Sender, "all", "wake")));
        var results = await Task.WhenAll(listens);
        var unwoken = results.Count(r => r.Ids.Count == 0);
        if (unwoken > 0) Tally.Error($"{unwoken} parked listens answered without the broadcast");
        report.Row($"parked-{total}", "wake_all_ms", Tally.Since(t0, results.Max(r => r.At)));
        foreach (var a in parked) await a.DisposeAsync();
        foreach (var (s, _) in channels) await s.DisposeAsync();
    }

    // Joining tens of thousands can outlast the 60 s listen timeout: a listen that timed out parks again; one that
    // answered anything else before the broadcast is an error. Returns how many were parked again.
    private static int Repark(List<Agent> agents, List<Task<ListenResult>> listens)
    {
        var again = 0;
        for (var i = 0; i < listens.Count; i++)
        {
            if (!listens[i].IsCompleted) continue;
            var r = listens[i].Result;
            if (r.Ok && r.Ids.Count == 0 && r.Missed == 0) { listens[i] = LoadClient.ListenAsync(agents[i], 60); again++; }
            else Tally.Error("a parked listen answered before any send");
        }
        return again;
    }

    private static TimeSpan ParkDelay(int n) => TimeSpan.FromMilliseconds(1000 + n / 4);

    private static async Task<Agent[]> JoinManyAsync(IPEndPoint server, string id, string token, int n, int firstIndex, int firstCallsign = 0)
    {
        var agents = new Agent[n];
        using var gate = new SemaphoreSlim(64);
        await Task.WhenAll(Enumerable.Range(0, n).Select(i => Task.Run(async () =>
        {
            await gate.WaitAsync();
            try { agents[i] = await LoadClient.JoinAsync(server, id, token, $"l{firstCallsign + i}", firstIndex + i, sendConnection: false); }
            finally { gate.Release(); }
        })));
        return agents;
    }
}
