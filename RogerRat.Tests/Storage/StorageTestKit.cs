using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Storage;

namespace RogerRat.Tests.Storage;

/// <summary>A temp directory under <see cref="Path.GetTempPath"/>, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Root = Path.Combine(Path.GetTempPath(), "rogerrat-storage-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>A path inside the temp dir (not created: the store creates its data dir itself).</summary>
    public string Sub(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Deterministic randomness (channel ids, tokens, identity keys) so two runs of a script agree byte for byte.</summary>
internal sealed class SeededRandom(int seed) : RandomSource
{
    private readonly Random _random = new(seed);

    public override void Fill(Span<byte> destination)
    {
        lock (_random) _random.NextBytes(destination);
    }
}

/// <summary>Counts log lines that contain a marker (e.g. snapshots written).</summary>
internal sealed class CountingLogger(string marker) : ILogger
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (formatter(state, exception).Contains(marker, StringComparison.Ordinal)) Interlocked.Increment(ref _count);
    }
}

/// <summary>A store and the hub on it; dispose the hub first, then the store (as the host does).</summary>
internal sealed class StoredHub : IDisposable
{
    public StoredHub(LogStoreOptions options, HubOptions hubOptions, FakeTimeProvider time, RandomSource? random = null, ILogger? logger = null)
    {
        Store = LogHubStore.Open(options, logger, time);
        try
        {
            Hub = new Hub(Store, hubOptions, time, random, runGarbageCollector: false);
        }
        catch
        {
            Store.Dispose();
            throw;
        }
    }

    public LogHubStore Store { get; }
    public Hub Hub { get; }

    public void Dispose()
    {
        Hub.Dispose();
        Store.Dispose();
    }
}

internal static class StorageKit
{
    /// <summary>2026-01-01T00:00:00Z.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static HubOptions FastHub(int ringCapacity = 100) => new() { OwnerPasswordIterations = 1, RingCapacity = ringCapacity };

    public static LogStoreOptions Options(string dir, bool snapshotOnDispose, FsyncPolicy fsync = FsyncPolicy.Off, long snapshotEveryBytes = 64L << 20) =>
        new() { DataDirectory = dir, SnapshotOnDispose = snapshotOnDispose, Fsync = fsync, SnapshotEveryBytes = snapshotEveryBytes };

    public static string[] Segments(string dir) => [.. Directory.GetFiles(dir, "log-*.rrlog").Order(StringComparer.Ordinal)];

    public static string[] Snapshots(string dir) => [.. Directory.GetFiles(dir, "snapshot-*.rrsnap").Order(StringComparer.Ordinal)];

    /// <summary>Start offsets of every frame of a log or snapshot file, walked independently of the store's scanner.</summary>
    public static List<(long Start, int PayloadLength)> Frames(byte[] bytes)
    {
        var frames = new List<(long, int)>();
        long at = 0;
        while (at < bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at));
            var check = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at + 4));
            Assert.Equal(~length, check);
            frames.Add((at, (int)length));
            at += 12 + length;
        }
        Assert.Equal(bytes.Length, at);
        return frames;
    }

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            if (Path.GetFileName(file) == "rogerrat.lock") continue;
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>
    /// Everything a client can observe of the hub, as text (one fact a line), so two states compare with a readable diff.
    /// Pending per callsign is what a plain listen returns for each online session in <paramref name="sessionIds"/>
    /// (taken and abandoned, so the observation changes nothing). <paramref name="clockFree"/> leaves out what depends on
    /// the process (the channel's last activity, which listens and leaves also touch, the hub's start, and gap counts,
    /// which a restart does not report again).
    /// </summary>
    public static List<string> Observe(Hub hub, IEnumerable<string> sessionIds, bool clockFree)
    {
        var lines = new List<string>();
        var s = hub.Stats;
        lines.Add($"stats channels={s.ChannelsCreated} joins={s.JoinsTotal} messages={s.MessagesTotal}" + (clockFree ? "" : $" started={s.StartedAt}"));
        var sessions = sessionIds.Distinct().ToArray();
        foreach (var ch in hub.Channels.OrderBy(static c => c.Id, StringComparer.Ordinal))
        {
            var p = $"[{ch.Id}] ";
            var st = ch.Settings;
            lines.Add(p + $"settings token={Convert.ToHexString(st.TokenHash)} created={st.CreatedAt} retention={st.Retention} trust={st.TrustMode} "
                + $"ttl={st.SessionTtl.TotalMilliseconds} band={st.IsBand} identity={st.RequireIdentity} "
                + $"password={(st.OwnerPassword is { } pw ? Convert.ToHexString(pw.Hash) + "/" + Convert.ToHexString(pw.Salt) + "/" + pw.Iterations : "none")}");
            foreach (var r in ch.RosterWithIndex()) lines.Add(p + $"roster #{r.Idx} {r.Callsign} joined={r.JoinedAt}");
            foreach (var r in ch.RosterAll()) lines.Add(p + $"roster-all {r.Callsign} online={r.Online} idx={r.Idx}");
            foreach (var m in ch.History(hub.Options.RingCapacity)) lines.Add(p + "history " + Describe(m));
            var cs = ch.Stats();
            lines.Add(p + $"stats agents={cs.AgentCount} callsigns={cs.HistoricCallsignsCount} buffered={cs.MessageCountInBuffer} first={cs.FirstJoinedAt}"
                + (clockFree ? "" : $" last={cs.LastActivityAt}"));
            foreach (var sid in sessions)
            {
                if (ch.CallsignOf(sid) is not { } callsign) continue;
                var pending = ch.ListenAsync(sid, TimeSpan.Zero);
                Assert.True(pending.IsCompleted);
                var d = pending.Result;
                lines.Add(p + $"pending {callsign} ({sid}){(clockFree ? "" : $" missed={d.Missed}")}: " + string.Join(",", d.Messages.Select(static m => m.Id + ":" + m.Text)));
                ch.Abandon(d);
            }
        }
        return lines;
    }

    public static string Describe(ChannelMessage m)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{m.Id} {m.From}->{m.To} at={m.At} kind={m.Kind} prio={m.Priority} text={m.Text}");
        if (m.SuggestedReplies is { } replies) sb.Append(" replies=").AppendJoin("|", replies);
        if (m.Attachments is { } atts) sb.Append(" atts=").AppendJoin("|", atts.Select(static a => $"{a.Mime}:{a.Filename}:{a.DataBase64.Length}"));
        return sb.ToString();
    }

    /// <summary>Asserts two observations equal, failing with the lines that differ (both ways).</summary>
    public static void AssertSameState(List<string> expected, List<string> actual, string what)
    {
        if (expected.SequenceEqual(actual)) return;
        var missing = expected.Except(actual).Take(20);
        var extra = actual.Except(expected).Take(20);
        Assert.Fail($"{what}: states differ\n  expected only:\n    {string.Join("\n    ", missing)}\n  actual only:\n    {string.Join("\n    ", extra)}");
    }
}
