using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace RogerRat.Bench.Load;

/// <summary>One joined callsign: the connection its listens use, and the one its sends use (the same one for listeners
/// that never send).</summary>
internal sealed record Agent(string Channel, string Token, string Callsign, string Session, RawHttpConnection Send, RawHttpConnection Listen)
{
    public async ValueTask DisposeAsync()
    {
        await Listen.DisposeAsync();
        if (!ReferenceEquals(Send, Listen)) await Send.DisposeAsync();
    }
}

/// <summary>A listen's answer as the ledger needs it: the ids, the hub's own gap report (<c>missed</c>: messages for this
/// callsign that left the ring before it read them), and when its last byte arrived.</summary>
internal readonly record struct ListenResult(bool Ok, List<long> Ids, long Missed, long At);

/// <summary>The REST calls the harness makes, over <see cref="RawHttpConnection"/>. Non-200 answers count as errors.</summary>
internal static class LoadClient
{
    public static async Task<(string Id, string Token)> CreateAsync(IPEndPoint server)
    {
        await using var c = await RawHttpConnection.ConnectAsync(server, null);
        var r = await c.SendAsync(RawHttpConnection.Request("POST", "/api/channels", null, null, "{}"));
        if (r.Status != 200) throw new IOException($"create: {r.Status} {System.Text.Encoding.UTF8.GetString(r.Body)}");
        using var doc = JsonDocument.Parse(r.Body);
        return (doc.RootElement.GetProperty("channel_id").GetString()!, doc.RootElement.GetProperty("join_token").GetString()!);
    }

    public static async Task<Agent> JoinAsync(IPEndPoint server, string id, string token, string callsign, int index, bool sendConnection)
    {
        var listen = await RawHttpConnection.ConnectAsync(server, RawHttpConnection.SourceFor(server, index));
        var r = await listen.SendAsync(RawHttpConnection.Request("POST", $"/api/channels/{id}/join", token, null, $"{{\"callsign\":\"{callsign}\"}}"));
        if (r.Status != 200) throw new IOException($"join {callsign}: {r.Status} {System.Text.Encoding.UTF8.GetString(r.Body)}");
        using var doc = JsonDocument.Parse(r.Body);
        var send = sendConnection ? await RawHttpConnection.ConnectAsync(server, RawHttpConnection.SourceFor(server, index)) : listen;
        return new Agent(id, token, callsign, doc.RootElement.GetProperty("session_id").GetString()!, send, listen);
    }

    /// <summary>The acknowledged message id, or -1 (counted as an error) when the hub did not answer 200.</summary>
    public static async Task<long> SendAsync(Agent from, string to, string text)
    {
        var r = await from.Send.SendAsync(RawHttpConnection.Request("POST", $"/api/channels/{from.Channel}/send", from.Token, from.Session, $"{{\"to\":\"{to}\",\"message\":\"{text}\"}}"));
        if (r.Status != 200) { Tally.Error($"send {r.Status} {System.Text.Encoding.UTF8.GetString(r.Body)}"); return -1; }
        using var doc = JsonDocument.Parse(r.Body);
        return doc.RootElement.GetProperty("id").GetInt64();
    }

    public static async Task<ListenResult> ListenAsync(Agent a, int timeoutSeconds)
    {
        var r = await a.Listen.SendAsync(RawHttpConnection.Request("GET", $"/api/channels/{a.Channel}/listen?timeout={timeoutSeconds}", a.Token, a.Session, null));
        if (r.Status != 200) { Tally.Error($"listen {r.Status} {System.Text.Encoding.UTF8.GetString(r.Body)}"); return new ListenResult(false, [], 0, r.ReceivedAt); }
        using var doc = JsonDocument.Parse(r.Body);
        var ids = new List<long>();
        foreach (var m in doc.RootElement.GetProperty("messages").EnumerateArray()) ids.Add(m.GetProperty("id").GetInt64());
        var missed = doc.RootElement.TryGetProperty("missed", out var mi) ? mi.GetInt64() : 0;
        return new ListenResult(true, ids, missed, r.ReceivedAt);
    }
}

/// <summary>
/// What one listener was promised and what it got. An id is promised when its send was acknowledged (200 with the
/// id). <see cref="SettleAsync"/> drains with listens until one times out, then classifies every promised id never
/// seen: evicted, up to the number of messages the hub itself reported <c>missed</c> to this listener (the ring rotated
/// them out before the listener read them, a slow reader, not a loss); lost, the rest. An id seen twice is a duplicate.
/// One task uses a ledger at a time.
/// </summary>
internal sealed class Ledger
{
    private readonly HashSet<long> _promised = [];
    private readonly HashSet<long> _seen = [];
    private long _missedReported;

    public void Promise(long id)
    {
        if (id >= 0) _promised.Add(id);
    }

    public bool HasSeen(long id) => _seen.Contains(id);

    public void Take(in ListenResult r)
    {
        foreach (var id in r.Ids)
            if (!_seen.Add(id)) Tally.Duplicate();
        _missedReported += r.Missed;
    }

    public async Task SettleAsync(Agent a)
    {
        _promised.ExceptWith(_seen);
        if (_promised.Count == 0 && _missedReported == 0) return;
        for (var i = 0; i < 100; i++)
        {
            var r = await LoadClient.ListenAsync(a, 1);
            Take(r);
            if (!r.Ok || (r.Ids.Count == 0 && r.Missed == 0)) break;
        }
        _promised.ExceptWith(_seen);
        var evicted = Math.Min(_promised.Count, _missedReported);
        Tally.Settled(lost: _promised.Count - evicted, evicted: evicted);
    }
}

/// <summary>The run's correctness totals, shared by every scenario (the exit code is non-zero when any is).</summary>
internal static class Tally
{
    private static long s_lost, s_dup, s_errors, s_evicted;
    private static int s_errorsShown;

    public static long Lost => Interlocked.Read(ref s_lost);
    public static long Duplicated => Interlocked.Read(ref s_dup);
    public static long Errors => Interlocked.Read(ref s_errors);
    public static long Evicted => Interlocked.Read(ref s_evicted);

    public static void Duplicate() => Interlocked.Increment(ref s_dup);

    public static void Error(string what)
    {
        Interlocked.Increment(ref s_errors);
        if (Interlocked.Increment(ref s_errorsShown) <= 5) Console.Error.WriteLine($"# error: {what}");
    }

    public static void Settled(long lost, long evicted)
    {
        Interlocked.Add(ref s_lost, lost);
        Interlocked.Add(ref s_evicted, evicted);
    }

    public static double Since(long t0, long at) => Stopwatch.GetElapsedTime(t0, at).TotalMilliseconds;
}
