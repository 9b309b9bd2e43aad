using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace RogerRat.Bench.Load;

/// <summary>
/// <c>RogerRat.Bench loadtest --port P [--pid PID] [--scenario pingpong|broadcast|all] [--pairs 1,50] [--seconds 5]
/// [--n 100,1000] [--out results.tsv] [--label name]</c>: the end-to-end load harness over raw sockets (async, no thread
/// per connection). Every hop is checked: a message is lost only if its send was acknowledged and a final drain listen
/// still does not return it; a message returned twice to the same listener is a duplicate. Exit 1 on any
/// lost/duplicated/error, so CI can gate on correctness only.
/// </summary>
internal static class LoadTest
{
    private static readonly List<string> s_rows = [];
    private static long s_lost, s_dup, s_errors;

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string def) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : def; }
        int[] Ints(string s) => s.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var port = int.Parse(Arg("--port", "7424"), CultureInfo.InvariantCulture);
        var pid = int.Parse(Arg("--pid", "0"), CultureInfo.InvariantCulture);
        var scenario = Arg("--scenario", "all");
        var seconds = double.Parse(Arg("--seconds", "5"), CultureInfo.InvariantCulture);
        var label = Arg("--label", "hub");
        var output = Arg("--out", "");
        var server = new IPEndPoint(IPAddress.Loopback, port);
        Console.WriteLine($"# nofile soft limit {FileLimit.Raise(20_000)}");

        if (pid > 0) Row(label, "idle", "rss_kib", Rss(pid));
        if (scenario is "all" or "pingpong")
            foreach (var pairs in Ints(Arg("--pairs", "1,50"))) await PingPongAsync(server, label, pairs, seconds);
        if (scenario is "all" or "broadcast")
            foreach (var n in Ints(Arg("--n", "100,1000"))) await BroadcastAsync(server, label, n, pid, int.Parse(Arg("--repeats", "3"), CultureInfo.InvariantCulture));
        Row(label, "total", "lost", s_lost);
        Row(label, "total", "duplicated", s_dup);
        Row(label, "total", "errors", s_errors);
        if (output.Length > 0) await File.AppendAllLinesAsync(output, s_rows);
        return s_lost + s_dup + s_errors == 0 ? 0 : 1;
    }

    private static void Row(string label, string scenario, string metric, double value)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{label}\t{scenario}\t{metric}\t{value:0.###}");
        s_rows.Add(line);
        Console.WriteLine(line);
    }

    public static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return -1;
    }

    private sealed record Agent(string Callsign, string Session, RawHttpConnection Send, RawHttpConnection Listen);

    private static async Task<(string Id, string Token)> CreateAsync(IPEndPoint server)
    {
        await using var c = await RawHttpConnection.ConnectAsync(server, null);
        var r = await c.SendAsync(RawHttpConnection.Request("POST", "/api/channels", null, null, "{}"));
        if (r.Status != 200) throw new IOException($"create: {r.Status}");
        using var doc = JsonDocument.Parse(r.Body);
        return (doc.RootElement.GetProperty("channel_id").GetString()!, doc.RootElement.GetProperty("join_token").GetString()!);
    }

    private static async Task<Agent> JoinAsync(IPEndPoint server, string id, string token, string callsign, int index, bool sendConnection)
    {
        var listen = await RawHttpConnection.ConnectAsync(server, RawHttpConnection.SourceFor(server, index));
        var r = await listen.SendAsync(RawHttpConnection.Request("POST", $"/api/channels/{id}/join", token, null, $"{{\"callsign\":\"{callsign}\"}}"));
        if (r.Status != 200) throw new IOException($"join {callsign}: {r.Status} {System.Text.Encoding.UTF8.GetString(r.Body)}");
        using var doc = JsonDocument.Parse(r.Body);
        var send = sendConnection ? await RawHttpConnection.ConnectAsync(server, null) : listen;
        return new Agent(callsign, doc.RootElement.GetProperty("session_id").GetString()!, send, listen);
    }

    private static async Task<long> SendAsync(Agent from, string id, string token, string to, string text)
    {
        var r = await from.Send.SendAsync(RawHttpConnection.Request("POST", $"/api/channels/{id}/send", token, from.Session, $"{{\"to\":\"{to}\",\"message\":\"{text}\"}}"));
        if (r.Status != 200) { Interlocked.Increment(ref s_errors); return -1; }
        using var doc = JsonDocument.Parse(r.Body);
        return doc.RootElement.GetProperty("id").GetInt64();
    }

    private static async Task<(List<long> Ids, long At)> ListenAsync(Agent a, string id, string token, int timeoutSeconds)
    {
        var r = await a.Listen.SendAsync(RawHttpConnection.Request("GET", $"/api/channels/{id}/listen?timeout={timeoutSeconds}", token, a.Session, null));
        var at = Stopwatch.GetTimestamp();
        if (r.Status != 200) { Interlocked.Increment(ref s_errors); return ([], at); }
        using var doc = JsonDocument.Parse(r.Body);
        var ids = new List<long>();
        foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray()) ids.Add(m.GetProperty("id").GetInt64());
        return (ids, at);
    }

    // Ids acknowledged to a listener but not yet seen: a last listen drains them; what is still missing is lost.
    private static async Task CheckAsync(Agent a, string id, string token, HashSet<long> expected, HashSet<long> seen)
    {
        expected.ExceptWith(seen);
        if (expected.Count == 0) return;
        var (ids, _) = await ListenAsync(a, id, token, 1);
        foreach (var m in ids) if (!seen.Add(m)) Interlocked.Increment(ref s_dup);
        expected.ExceptWith(ids);
        Interlocked.Add(ref s_lost, expected.Count);
    }

    private static async Task PingPongAsync(IPEndPoint server, string label, int pairs, double seconds)
    {
        var (id, token) = await CreateAsync(server);
        var agents = new Agent[pairs * 2];
        for (var i = 0; i < agents.Length; i++) agents[i] = await JoinAsync(server, id, token, $"p{i}", i, sendConnection: true);
        var latencies = new List<double>[pairs];
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, pairs).Select(p => Task.Run(async () =>
        {
            var (a, b) = (agents[2 * p], agents[2 * p + 1]);
            var lat = latencies[p] = [];
            var expA = new HashSet<long>(); var expB = new HashSet<long>(); var seenA = new HashSet<long>(); var seenB = new HashSet<long>();
            async Task Hop(Agent from, Agent to, HashSet<long> expected, HashSet<long> seen)
            {
                var msg = await SendAsync(from, id, token, to.Callsign, "ping");
                if (msg < 0) return;
                expected.Add(msg);
                while (!seen.Contains(msg))
                {
                    var (ids, _) = await ListenAsync(to, id, token, 5);
                    if (ids.Count == 0) break; // timed out: the final check decides lost or not
                    foreach (var m in ids) if (!seen.Add(m)) Interlocked.Increment(ref s_dup);
                }
            }
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var t0 = Stopwatch.GetTimestamp();
                await Hop(a, b, expB, seenB);
                await Hop(b, a, expA, seenA);
                lat.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            await CheckAsync(b, id, token, expB, seenB);
            await CheckAsync(a, id, token, expA, seenA);
        })));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var name = $"pingpong-{pairs}";
        Row(label, name, "round_trips_per_s", all.Length / elapsed);
        Row(label, name, "deliveries_per_s", 2 * all.Length / elapsed);
        Row(label, name, "rt_p50_ms", Pct(all, 0.50));
        Row(label, name, "rt_p99_ms", Pct(all, 0.99));
        Row(label, name, "rt_max_ms", all.Length > 0 ? all[^1] : 0);
        foreach (var a in agents) { await a.Send.DisposeAsync(); await a.Listen.DisposeAsync(); }
    }

    private static async Task BroadcastAsync(IPEndPoint server, string label, int n, int pid, int repeats)
    {
        var (id, token) = await CreateAsync(server);
        var sender = await JoinAsync(server, id, token, "sender", 0, sendConnection: false);
        var listeners = new Agent[n];
        var joins = new List<Task>();
        using (var gate = new SemaphoreSlim(64))
        {
            for (var i = 0; i < n; i++)
            {
                var index = i;
                joins.Add(Task.Run(async () =>
                {
                    await gate.WaitAsync();
                    try { listeners[index] = await JoinAsync(server, id, token, $"l{index}", index + 1, sendConnection: false); }
                    finally { gate.Release(); }
                }));
            }
            await Task.WhenAll(joins);
        }
        var p99s = new List<double>(); var p50s = new List<double>(); var maxes = new List<double>();
        var seen = listeners.Select(_ => new HashSet<long>()).ToArray();
        var expected = listeners.Select(_ => new HashSet<long>()).ToArray();
        for (var round = 0; round < repeats; round++)
        {
            var rssBefore = pid > 0 ? Rss(pid) : 0;
            var parked = listeners.Select((a, i) => ListenAsync(a, id, token, 30)).ToArray();
            await Task.Delay(TimeSpan.FromMilliseconds(500 + n / 5)); // let every listen park
            var rssParked = pid > 0 ? Rss(pid) : 0;
            var t0 = Stopwatch.GetTimestamp();
            var msg = await SendAsync(sender, id, token, "all", $"b{round}");
            var results = await Task.WhenAll(parked);
            var wakes = new double[n];
            for (var i = 0; i < n; i++)
            {
                if (msg >= 0) expected[i].Add(msg);
                foreach (var m in results[i].Ids) if (!seen[i].Add(m)) Interlocked.Increment(ref s_dup);
                wakes[i] = Stopwatch.GetElapsedTime(t0, results[i].At).TotalMilliseconds;
            }
            Array.Sort(wakes);
            p50s.Add(Pct(wakes, 0.5)); p99s.Add(Pct(wakes, 0.99)); maxes.Add(wakes[^1]);
            if (pid > 0 && round == 0) Row(label, $"broadcast-{n}", "rss_per_parked_bytes", (rssParked - rssBefore) * 1024.0 / n);
        }
        for (var i = 0; i < n; i++) await CheckAsync(listeners[i], id, token, expected[i], seen[i]);
        var name = $"broadcast-{n}";
        Row(label, name, "wake_p50_ms", Median(p50s));
        Row(label, name, "wake_p99_ms", Median(p99s));
        Row(label, name, "time_to_last_ms", Median(maxes));
        Row(label, name, "deliveries_per_s", n / (Median(maxes) / 1000.0));
        if (pid > 0) Row(label, name, "rss_kib", Rss(pid));
        foreach (var a in listeners) await a.Listen.DisposeAsync();
        await sender.Listen.DisposeAsync();
    }

    private static double Pct(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static double Median(List<double> xs) => Pct(xs.Order().ToArray(), 0.5);
}
