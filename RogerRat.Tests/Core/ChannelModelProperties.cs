using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Tests.Generators;

namespace RogerRat.Tests.Core;

/// <summary>
/// Model-based property (DESIGN guarantees 1–5): random conversations run against the engine and against
/// <see cref="ChannelModel"/>; after every step the answers, deliveries, cursors, gaps, rosters, 400/410 answers and the
/// stored messages agree. Runs once per ring implementation, once on a store whose writes carry tickets, and once on the durable log.
/// </summary>
public class ChannelModelProperties
{
    private const int RingCapacity = 4;
    private const int TtlSeconds = 60;

    [Property(Arbitrary = [typeof(ChannelOpGens)], MaxTest = 300, EndSize = 120)]
    public void Engine_agrees_with_model_lock_free_ring(ChannelScript script) =>
        new ChannelModelRunner("lock-free", RingCapacity, TtlSeconds).Run(script);

    [Property(Arbitrary = [typeof(ChannelOpGens)], MaxTest = 100, EndSize = 120)]
    public void Engine_agrees_with_model_locked_ring(ChannelScript script) =>
        new ChannelModelRunner("locked", RingCapacity, TtlSeconds).Run(script);

    // Every write takes the engine's waiting path (real tickets, durable at once): what a durable store changes in Channel.
    [Property(Arbitrary = [typeof(ChannelOpGens)], MaxTest = 100, EndSize = 120)]
    public void Engine_agrees_with_model_ticketed_store(ChannelScript script) =>
        new ChannelModelRunner("lock-free", RingCapacity, TtlSeconds, store: new TicketedHubStore { AutoFlush = true }).Run(script);

    // The durable log (RogerRat.Storage) behind the same engine, snapshotting every few KiB along the way.
    [Property(Arbitrary = [typeof(ChannelOpGens)], MaxTest = 40, EndSize = 120)]
    public void Engine_agrees_with_model_log_store(ChannelScript script)
    {
        var dir = Path.Combine(Path.GetTempPath(), "rr-model-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var store = RogerRat.Storage.LogHubStore.Open(new RogerRat.Storage.LogStoreOptions
            {
                DataDirectory = dir,
                Fsync = RogerRat.Storage.FsyncPolicy.Off,
                SnapshotEveryBytes = 4096,
                SnapshotOnDispose = false,
            });
            new ChannelModelRunner("lock-free", RingCapacity, TtlSeconds, store: store).Run(script);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Generated_scripts_reach_the_interesting_states()
    {
        // A property is only as good as the states its scripts reach: gaps, wakes, statuses, 410s, GC evictions.
        var coverage = new ChannelModelRunner.Coverage();
        foreach (var script in ChannelOpGens.Scripts().Generator.Sample(100, 200))
        {
            new ChannelModelRunner("lock-free", RingCapacity, TtlSeconds) { Stats = coverage }.Run(script);
        }
        Assert.True(coverage.Gaps > 10, $"gaps {coverage.Gaps}");
        Assert.True(coverage.WokenWithMessages > 10, $"woken {coverage.WokenWithMessages}");
        Assert.True(coverage.StatusDelivered > 3, $"status {coverage.StatusDelivered}");
        Assert.True(coverage.Expired > 10, $"410 {coverage.Expired}");
        Assert.True(coverage.GcEvictions > 3, $"gc {coverage.GcEvictions}");
        Assert.True(coverage.Superseded > 3, $"superseded {coverage.Superseded}");
        Assert.True(coverage.Redelivered > 3, $"redelivered after abandon {coverage.Redelivered}");
    }

    [Fact]
    public void Runner_catches_a_wrong_model()
    {
        // Guard against a runner that compares nothing: the same script with a model off by one slot must fail.
        var script = new ChannelScript([
            new JoinOp(0, false), new JoinOp(1, false),
            new SendOp(0, 0, 0, false), new SendOp(0, 0, 0, false), new SendOp(0, 0, 0, false),
            new SendOp(0, 0, 0, false), new SendOp(0, 0, 0, false), new ListenOp(1, 0, 0, true),
        ]);
        new ChannelModelRunner("lock-free", RingCapacity, TtlSeconds).Run(script);
        Assert.ThrowsAny<Exception>(() => new ChannelModelRunner("lock-free", RingCapacity, TtlSeconds, modelRingCapacity: RingCapacity + 1).Run(script));
    }
}

internal sealed class ChannelModelRunner
{
    public static readonly Dictionary<string, Func<int, IMessageRing>> RingFactories = new()
    {
        ["lock-free"] = c => new MessageRing(c),
        ["locked"] = c => new RogerRat.Bench.Baseline.LockedMessageRing(c),
    };

    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time;
    // One channel, or one per hub sharing a store: joins, renames and leaves go to the first, sends to the second,
    // listens to the third, and the collector runs on each in turn (a conversation spread over several hubs).
    private readonly Channel[] _hubs;
    private readonly bool _shared;
    private int _gcTurn;
    private readonly ChannelModel _model;
    private readonly string?[] _lastSid = new string?[ChannelOpGens.Names.Length];
    private readonly Dictionary<string, (Task<Delivery> Task, CancellationTokenSource Cts, Channel Hub)> _parked = [];
    private readonly List<string> _log = [];

    public Coverage Stats { get; init; } = new();

    /// <summary>How often the interesting paths ran.</summary>
    public sealed class Coverage
    {
        public int Gaps, WokenWithMessages, StatusDelivered, Expired, GcEvictions, Superseded, Redelivered;
    }

    private readonly HashSet<long> _abandoned = [];

    public ChannelModelRunner(string ring, int ringCapacity, int ttlSeconds, int? modelRingCapacity = null,
        RogerRat.Core.Storage.IHubStore? store = null)
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = Options(ringCapacity, ring);
        var hub = new Hub(store, options, _time, runGarbageCollector: false);
        _hubs = [hub.CreateChannel(new CreateChannelSpec { SessionTtlSeconds = ttlSeconds }).Channel];
        _model = NewModel(ringCapacity, ttlSeconds, modelRingCapacity, options);
    }

    /// <summary>A runner over one channel as several hubs see it (<paramref name="hubs"/>[0] created it), all on
    /// <paramref name="time"/>.</summary>
    public ChannelModelRunner(Channel[] hubs, FakeTimeProvider time, int ringCapacity, int ttlSeconds)
    {
        _time = time;
        _hubs = hubs;
        _shared = hubs[0].IsShared;
        _model = NewModel(ringCapacity, ttlSeconds, null, Options(ringCapacity, "lock-free"));
    }

    public static HubOptions Options(int ringCapacity, string ring = "lock-free") =>
        new() { RingCapacity = ringCapacity, OwnerPasswordIterations = 1, RingFactory = RingFactories[ring] };

    // With Rotate, every step goes to the next hub instead: a session joins, sends and listens anywhere.
    public bool Rotate { get; init; }
    private int _step;
    private Channel Joins => _hubs[Rotate ? _step % _hubs.Length : 0];
    private Channel Sends => _hubs[(Rotate ? _step : 1) % _hubs.Length];
    private Channel Listens => _hubs[(Rotate ? _step : 2) % _hubs.Length];

    private ChannelModel NewModel(int ringCapacity, int ttlSeconds, int? modelRingCapacity, HubOptions options) =>
        new(modelRingCapacity ?? ringCapacity, ttlSeconds * 1000L, (long)options.TombstoneLifetime.TotalMilliseconds)
        {
            Now = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };

    public void Run(ChannelScript script)
    {
        try
        {
            foreach (var op in script.Ops)
            {
                _step++;
                _log.Add(op.ToString());
                var wakes = new List<ChannelModel.Wake>();
                Step(op, wakes);
                Settle(wakes);
                foreach (var channel in _hubs)
                {
                    // Every hub answers a read as the model does, once it caught up (what a face does before reading).
                    if (_shared) channel.RefreshAsync().AsTask().Wait();
                    Check(Enumerable.SequenceEqual(channel.Roster(), _model.Roster()), "roster");
                    Check(channel.History(100).Select(m => m.Id).SequenceEqual(_model.Ring.Select(m => m.Id)), "stored messages");
                }
            }
        }
        finally
        {
            foreach (var p in _parked.Values) p.Cts.Cancel();
        }
    }

    private void Step(ChannelOp op, List<ChannelModel.Wake> wakes)
    {
        switch (op)
        {
            case JoinOp j:
                Join(j.Cs, j.WithSessionId ? _lastSid[j.Cs] : null, wakes);
                break;
            case RenameOp r when _lastSid[r.From] is { } sid:
                Join(r.To, sid, wakes);
                break;
            case LeaveOp l when _lastSid[l.Cs] is { } sid:
                Check(Joins.Leave(sid) == _model.Leave(sid, wakes), "leave result");
                break;
            case SendOp s when _lastSid[s.From] is { } sid:
                Send(sid, s, wakes);
                break;
            case ListenOp l when _lastSid[l.Cs] is { } sid:
                Listen(sid, l, wakes);
                break;
            case ParkOp p when _lastSid[p.Cs] is { } sid:
                Park(sid, wakes);
                break;
            case DisconnectOp d when _lastSid[d.Cs] is { } sid && _parked.TryGetValue(sid, out var parked):
                _model.Disconnect(_model.Sessions.TryGetValue(sid, out var held) ? held.Cs : "", wakes);
                parked.Cts.Cancel();
                break;
            case AdvanceOp a:
                _time.Advance(TimeSpan.FromSeconds(a.Seconds));
                _model.Advance(a.Seconds * 1000L, wakes);
                break;
            case GcOp:
                var evicted = _hubs[_gcTurn++ % _hubs.Length].CollectGarbage();
                var expected = _model.Gc(wakes);
                Check(evicted == expected, $"sessions evicted by GC: {evicted}, model {expected}");
                Stats.GcEvictions += evicted;
                break;
        }
    }

    private void Join(int csIndex, string? clientSid, List<ChannelModel.Wake> wakes)
    {
        var name = ChannelOpGens.Names[csIndex];
        var predicted = _model.PredictJoin(name, clientSid);
        var actual = Try(() => Joins.Join(new JoinRequest { Callsign = name, SessionId = clientSid }));
        CheckError(predicted.Error, actual.Error, "join");
        if (actual.Value is not { } result) return;
        Check(result.Idempotent == predicted.Idempotent, $"join idempotent {result.Idempotent}");
        if (predicted.ExistingSessionId is not null) Check(result.SessionId == predicted.ExistingSessionId, "join session id reused");
        _model.ApplyJoin(name, result.SessionId, result.Idempotent, wakes);
        _lastSid[csIndex] = result.SessionId;
    }

    private void Send(string sid, SendOp s, List<ChannelModel.Wake> wakes)
    {
        var to = s.ToKind switch
        {
            0 => "all",
            1 => ChannelOpGens.Names[s.ToArg % ChannelOpGens.Names.Length],
            2 => "#" + (s.ToArg + 1),
            _ => "",
        };
        var predicted = _model.Send(sid, to, s.Status, wakes);
        var actual = Try(() => Sends.Send(sid, new SendRequest { To = to, Text = "m", Kind = s.Status ? "status" : null }));
        CheckError(predicted.Error, actual.Error, "send");
        if (actual.Value is not { } result) return;
        Check(result.Message.Id == predicted.Id, $"message id {result.Message.Id} vs {predicted.Id}");
        Check(result.Queued == predicted.Queued, "queued");
    }

    private void Listen(string sid, ListenOp l, List<ChannelModel.Wake> wakes)
    {
        long? since = l.SinceKind switch
        {
            1 => 0,
            2 when _model.SeenIds.Count > 0 => _model.SeenIds[l.SinceArg % _model.SeenIds.Count],
            _ => null,
        };
        var error = _model.BeginListen(sid, since, parks: false, wakes, out var take);
        var actual = Try(() =>
        {
            var vt = Listens.ListenAsync(sid, TimeSpan.Zero, since);
            if (_shared) return vt.AsTask().WaitAsync(s_settle).GetAwaiter().GetResult(); // a take is a write there
            Check(vt.IsCompleted, "a listen with timeout 0 answers at once");
            return vt.Result;
        });
        CheckError(error, actual.Error, "listen");
        if (actual.Error is not null) return;
        Compare(take!, actual.Value, "listen");
        if (l.Commit)
        {
            Listens.Commit(actual.Value);
            if (!take!.IsEmpty) _model.Commit(take);
        }
        else
        {
            Listens.Abandon(actual.Value);
            foreach (var m in actual.Value.Messages) _abandoned.Add(m.Id);
        }
    }

    private void Park(string sid, List<ChannelModel.Wake> wakes)
    {
        var error = _model.BeginListen(sid, null, parks: true, wakes, out var take);
        var hub = Listens;
        var cts = new CancellationTokenSource();
        var actual = Try(() =>
        {
            var task = hub.ListenAsync(sid, TimeSpan.FromMilliseconds(ChannelModel.ParkTimeoutMs), null, cts.Token).AsTask();
            if (!_shared) return task;
            WaitParkedOrDone(hub, sid, task);
            // A shared listen's refusal comes from its first take, a write: surface it as the synchronous one.
            if (task.IsFaulted) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(task.Exception!.InnerException!).Throw();
            return task;
        });
        CheckError(error, actual.Error, "park");
        if (actual.Value is not { } task) return;
        if (take is not null)
        {
            // Something was pending: the listen answers without parking.
            Check(task.IsCompleted, "a listen with messages pending answers at once");
            var d = task.Result;
            Compare(take, d, "listen (pending)");
            hub.Commit(d);
            _model.Commit(take);
            return;
        }
        if (_parked.Remove(sid, out var superseded))
        {
            // The session's earlier listen was superseded by this one: settle it before this one takes its place.
            var wake = wakes.Find(w => w.SessionId == sid && w.Delivery is null);
            Check(wake is not null, "model supersedes the earlier listen");
            wakes.Remove(wake!);
            Stats.Superseded++;
            Check(superseded.Task.Wait(s_settle), "a superseded listen answers");
            Check(superseded.Task.Result.Messages.Count == 0 && !superseded.Task.Result.NeedsCommit, "a superseded listen consumes nothing");
        }
        _parked[sid] = (task, cts, hub);
    }

    // A shared channel's listen parks after its first take, a write: the next step must not run before it parked, or a
    // status signal the model hands to it would find nobody parked.
    private static void WaitParkedOrDone(Channel hub, string sid, Task<Delivery> task)
    {
        var deadline = DateTime.UtcNow + s_settle;
        while (!task.IsCompleted && !hub.IsParked(sid) && DateTime.UtcNow < deadline) Thread.Sleep(1);
    }

    private void Settle(List<ChannelModel.Wake> wakes)
    {
        foreach (var wake in wakes)
        {
            Check(_parked.Remove(wake.SessionId, out var parked), $"model wakes a listen the engine has not parked ({wake.SessionId})");
            Check(parked.Task.Wait(s_settle), "a parked listen that should answer now did not (lost wake-up)");
            var d = parked.Task.Result;
            if (wake.Delivery is null)
            {
                Check(d.Messages.Count == 0 && d.Missed == 0 && !d.NeedsCommit, $"an ended listen answers empty, got {Describe(d)}");
                continue;
            }
            Compare(wake.Delivery, d, "woken listen");
            parked.Hub.Commit(d);
            _model.Commit(wake.Delivery);
        }
        foreach (var (sid, parked) in _parked)
        {
            if (_shared) WaitParkedOrDone(parked.Hub, sid, parked.Task); // a listen woken for nothing parks again
            Check(!parked.Task.IsCompleted, $"listen of {sid} answered though nothing was pending: {(parked.Task.IsCompletedSuccessfully ? Describe(parked.Task.Result) : "faulted")}");
        }
    }

    private void Compare(ChannelModel.Take expected, Delivery actual, string what)
    {
        Check(actual.Messages.Select(m => m.Id).SequenceEqual(expected.Ids)
              && actual.Cursor == expected.Cursor && actual.Missed == expected.Missed
              && actual.OldestAvailableId == expected.OldestAvailableId,
            $"{what}: expected {expected}, got {Describe(actual)}");
        Check(actual.NeedsCommit == !expected.IsEmpty, $"{what}: needs commit");
        if (actual.Missed > 0) Stats.Gaps++;
        if (actual.Messages.Any(m => m.Kind == MessageKind.Status)) Stats.StatusDelivered++;
        if (actual.Messages.Any(m => _abandoned.Contains(m.Id))) Stats.Redelivered++;
        if (what == "woken listen" && actual.Messages.Count > 0) Stats.WokenWithMessages++;
    }

    private static string Describe(Delivery d) =>
        $"[{string.Join(",", d.Messages.Select(m => m.Id))}] cursor={d.Cursor} missed={d.Missed} oldest={d.OldestAvailableId}";

    private static (T? Value, HubError? Error) Try<T>(Func<T> action)
    {
        try
        {
            return (action(), null);
        }
        catch (HubException e)
        {
            return (default, e.Error);
        }
    }

    private void CheckError((int, string)? expected, HubError? actual, string what)
    {
        if (actual?.Reason == HubErrorReason.SessionExpired) Stats.Expired++;
        var actualPair = actual is null ? ((int, string)?)null : (RogerRat.Http.Api.RestErrors.Status(actual.Reason), actual.Code);
        Check(expected == actualPair, $"{what}: expected error {expected?.ToString() ?? "none"}, got {actualPair?.ToString() ?? "none"} {actual?.Message}");
    }

    private void Check(bool condition, string message)
    {
        if (!condition) throw new Xunit.Sdk.XunitException($"{message}\nafter:\n  {string.Join("\n  ", _log)}");
    }
}
