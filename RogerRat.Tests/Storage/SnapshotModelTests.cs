using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Storage;

namespace RogerRat.Tests.Storage;

/// <summary>
/// Snapshots change nothing a client can see: the same deterministic script run on a dir that snapshots often (by hand
/// and every 4 KiB) and on a dir that never does recovers to the same state, which is also the live state.
/// </summary>
public class SnapshotModelTests
{
    private static readonly string[] s_names = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];

    private sealed class Script(int seed)
    {
        private readonly Random _ops = new(seed);
        private readonly Dictionary<(string Channel, string Callsign), string> _keys = [];
        private readonly List<string>[] _sessions = [[], [], [], []];

        public HashSet<string> Sessions { get; } = [];
        public string[] ChannelIds { get; private set; } = [];
        public int Steps { get; init; } = 400;

        /// <summary>Runs the script; <paramref name="snapshotAt"/> is called between steps (dir A snapshots there).</summary>
        public void Run(Hub hub, FakeTimeProvider time, Action<int> snapshotAt)
        {
            var channels = new[]
            {
                hub.CreateChannel(new CreateChannelSpec()).Channel,
                hub.CreateChannel(new CreateChannelSpec { RequireIdentity = true, Retention = Retention.Prompts }).Channel,
                hub.CreateChannel(new CreateChannelSpec { OwnerPassword = "owner-secret", TrustMode = TrustMode.Trusted, SessionTtlSeconds = 120 }).Channel,
                hub.GetChannel("general"),
            };
            ChannelIds = [.. channels.Select(static c => c.Id)];
            for (var step = 0; step < Steps; step++)
            {
                snapshotAt(step);
                var c = _ops.Next(channels.Length);
                var ch = channels[c];
                try
                {
                    switch (_ops.Next(100))
                    {
                        case < 18:
                            Join(ch, c, s_names[_ops.Next(s_names.Length)], null);
                            break;
                        case < 22 when _sessions[c].Count > 0:
                            Join(ch, c, s_names[_ops.Next(s_names.Length)], Pick(c)); // a rename, or an idempotent join
                            break;
                        case < 27 when _sessions[c].Count > 0:
                            ch.Leave(Pick(c));
                            break;
                        case < 70 when _sessions[c].Count > 0:
                            Send(ch, c);
                            break;
                        case < 90 when _sessions[c].Count > 0:
                            var sid = Pick(c);
                            var d = ch.ListenAsync(sid, TimeSpan.Zero).Result;
                            if (_ops.Next(4) == 0) ch.Abandon(d);
                            else ch.Commit(d);
                            break;
                        default:
                            time.Advance(TimeSpan.FromMilliseconds(_ops.Next(3000)));
                            break;
                    }
                }
                catch (HubException)
                {
                    // Refusals (unknown recipient, callsign in use, key reused, not joined) are part of the script.
                }
                if (_ops.Next(3) == 0) time.Advance(TimeSpan.FromMilliseconds(_ops.Next(5)));
            }
        }

        private string Pick(int c) => _sessions[c][_ops.Next(_sessions[c].Count)];

        private void Join(Channel ch, int c, string callsign, string? sessionId)
        {
            sessionId ??= $"sess-{c}-{callsign}-{_ops.Next(3)}";
            _keys.TryGetValue((ch.Id, callsign), out var key);
            var r = ch.Join(new JoinRequest { Callsign = callsign, SessionId = sessionId, IdentityKey = key });
            if (r.IdentityKey is { } minted) _keys[(ch.Id, callsign)] = minted;
            if (!_sessions[c].Contains(r.SessionId)) _sessions[c].Add(r.SessionId);
            Sessions.Add(r.SessionId);
        }

        private void Send(Channel ch, int c)
        {
            var to = _ops.Next(4) switch
            {
                0 => null,
                1 => "#" + (1 + _ops.Next(3)),
                _ => s_names[_ops.Next(s_names.Length)],
            };
            var text = $"step text {_ops.Next(1000)} " + new string((char)('a' + _ops.Next(26)), 50 + _ops.Next(250));
            var key = _ops.Next(5) == 0 ? "key-" + _ops.Next(4) : null;
            ch.Send(Pick(c), new SendRequest
            {
                To = to,
                Text = text,
                Priority = _ops.Next(3) == 0 ? "urgent" : null,
                SuggestedReplies = _ops.Next(4) == 0 ? ["yes", "no"] : null,
                Attachments = _ops.Next(8) == 0 ? [new AttachmentInput("text/plain", "aGVsbG8=", "hello.txt")] : null,
            }, key);
        }

        /// <summary>After every other observation: each remembered offline callsign joins back and lists what it would get.</summary>
        public List<string> ObserveOffline(Hub hub)
        {
            var lines = new List<string>();
            foreach (var id in ChannelIds)
            {
                var ch = hub.GetChannel(id);
                foreach (var e in ch.RosterAll().Where(static e => !e.Online))
                {
                    _keys.TryGetValue((id, e.Callsign), out var key);
                    var sid = "observer-" + e.Callsign;
                    try
                    {
                        ch.Join(new JoinRequest { Callsign = e.Callsign, SessionId = sid, IdentityKey = key });
                    }
                    catch (HubException x)
                    {
                        lines.Add($"[{id}] offline {e.Callsign}: refused {x.Error.Message}");
                        continue;
                    }
                    var d = ch.ListenAsync(sid, TimeSpan.Zero).Result;
                    lines.Add($"[{id}] offline {e.Callsign}: " + string.Join(",", d.Messages.Select(static m => m.Id)));
                    ch.Abandon(d);
                }
            }
            return lines;
        }
    }

    [Theory]
    [InlineData(false, 11)]
    [InlineData(true, 12)]
    public async Task Snapshots_during_sends_recover_to_what_the_log_alone_gives(bool snapshotOnDispose, int seed)
    {
        using var tmp = new TempDir();
        var dirA = tmp.Sub("with-snapshots");
        var dirB = tmp.Sub("log-only");
        var snapshotAt = new HashSet<int> { 40, 41, 150, 151, 152, 260, 399 };
        var hubOptions = StorageKit.FastHub(ringCapacity: 8);

        // A: snapshots by hand at fixed steps and every 4 KiB of log.
        var logger = new CountingLogger("Snapshot of the data dir");
        var optionsA = StorageKit.Options(dirA, snapshotOnDispose, FsyncPolicy.Batch, snapshotEveryBytes: 4096);
        var timeA = new FakeTimeProvider(StorageKit.Start);
        var scriptA = new Script(seed);
        List<string> liveA;
        using (var a = new StoredHub(optionsA, hubOptions, timeA, new SeededRandom(seed), logger))
        {
            scriptA.Run(a.Hub, timeA, step =>
            {
                // One at a time: overlapping calls lose a completion (see Overlapping_snapshot_requests_all_complete).
                if (snapshotAt.Contains(step)) Assert.True(a.Store.SnapshotAsync().Wait(TimeSpan.FromSeconds(10)), $"snapshot at step {step} never completed");
            });
            await Task.Yield();
            liveA = StorageKit.Observe(a.Hub, scriptA.Sessions, clockFree: true);
        }
        Assert.True(logger.Count > snapshotAt.Count, $"{logger.Count} snapshots: the 4 KiB threshold should have added some");
        // Old segments and snapshots went away: one snapshot, and only the segment after it.
        var snapshot = Assert.Single(StorageKit.Snapshots(dirA));
        var segment = Assert.Single(StorageKit.Segments(dirA));
        Assert.True(string.CompareOrdinal(Path.GetFileName(segment)[4..24], Path.GetFileName(snapshot)[9..29]) > 0, $"{segment} vs {snapshot}");

        // B: never.
        var optionsB = StorageKit.Options(dirB, snapshotOnDispose: false, FsyncPolicy.Off);
        var timeB = new FakeTimeProvider(StorageKit.Start);
        var scriptB = new Script(seed);
        List<string> liveB;
        using (var b = new StoredHub(optionsB, hubOptions, timeB, new SeededRandom(seed)))
        {
            scriptB.Run(b.Hub, timeB, static _ => { });
            liveB = StorageKit.Observe(b.Hub, scriptB.Sessions, clockFree: true);
        }
        Assert.Empty(StorageKit.Snapshots(dirB));
        Assert.Single(StorageKit.Segments(dirB));
        StorageKit.AssertSameState(liveA, liveB, "the two live runs (the script is deterministic)");
        Assert.True(liveA.Count(static l => l.Contains(" history ", StringComparison.Ordinal)) > 10);
        Assert.Contains(liveA, static l => l.Contains(" pending ", StringComparison.Ordinal) && !l.EndsWith(": ", StringComparison.Ordinal));

        // Reopen both on a clock set back to the start, so the recovered activity times show through.
        using var ra = new StoredHub(optionsA, hubOptions, new FakeTimeProvider(StorageKit.Start), new SeededRandom(1));
        using var rb = new StoredHub(optionsB, hubOptions, new FakeTimeProvider(StorageKit.Start), new SeededRandom(1));
        Assert.NotNull(ra.Store.Recovery.SnapshotFile);
        Assert.Null(rb.Store.Recovery.SnapshotFile);
        Assert.True(ra.Store.Recovery.RecordsReplayed < rb.Store.Recovery.RecordsReplayed);
        var stateA = StorageKit.Observe(ra.Hub, scriptA.Sessions, clockFree: false);
        var stateB = StorageKit.Observe(rb.Hub, scriptB.Sessions, clockFree: false);
        StorageKit.AssertSameState(stateB, stateA, "snapshot+log (A) vs log only (B)");
        StorageKit.AssertSameState(liveB, StorageKit.Observe(rb.Hub, scriptB.Sessions, clockFree: true), "log only vs live");
        StorageKit.AssertSameState(liveA, StorageKit.Observe(ra.Hub, scriptA.Sessions, clockFree: true), "snapshot+log vs live");
        StorageKit.AssertSameState(scriptB.ObserveOffline(rb.Hub), scriptA.ObserveOffline(ra.Hub), "offline callsigns' cursors");
    }

    [Fact]
    public async Task Overlapping_snapshot_requests_all_complete()
    {
        using var tmp = new TempDir();
        using var h = new StoredHub(StorageKit.Options(tmp.Sub("data"), snapshotOnDispose: false), StorageKit.FastHub(), new FakeTimeProvider(StorageKit.Start));
        var first = h.Store.SnapshotAsync();
        var second = h.Store.SnapshotAsync();
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        var done = await Task.WhenAny(first, Task.Delay(TimeSpan.FromSeconds(5)));
        Assert.True(ReferenceEquals(done, first), "the first of two overlapping SnapshotAsync calls never completed");
    }
}
