using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RogerRat.Bench.Baseline;
using RogerRat.Core;

namespace RogerRat.Bench.Core;

/// <summary>
/// N listeners parked on a channel, then one send: a broadcast wakes all N, a DM wakes one (the other N-1 are then
/// answered by a second, empty-handed wake-up so every invocation ends with nobody parked). The real engine (pooled
/// waiters signalled lock-free, each woken listen reading the ring itself) against the one-lock baseline
/// (a TaskCompletionSource per listener, completed under the lock).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class WakeBenchmarks
{
    private static readonly TimeSpan s_long = TimeSpan.FromMinutes(5);

    [Params(1, 100, 10_000)]
    public int Listeners { get; set; }

    private Channel _channel = null!;
    private string[] _sids = [];
    private string _sender = "";
    private LockedChannelBaseline _baseline = null!;
    private string[] _names = [];
    private ValueTask<Delivery>[] _pending = [];
    private Task<List<(long, string, string, string)>>[] _baselinePending = [];
    private Hub _hub = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hub = new Hub(new HubOptions { MaxSessionsPerChannel = 20_000, MaxCallsignsPerChannel = 20_000, OwnerPasswordIterations = 1 },
            runGarbageCollector: false);
        _channel = _hub.CreateChannel(new CreateChannelSpec()).Channel;
        _names = Enumerable.Range(0, Listeners).Select(i => $"l{i}").ToArray();
        _sids = _names.Select(n => _channel.Join(new JoinRequest { Callsign = n }).SessionId).ToArray();
        _sender = _channel.Join(new JoinRequest { Callsign = "sender" }).SessionId;
        _baseline = new LockedChannelBaseline();
        foreach (var n in _names) _baseline.Join(n);
        _baseline.Join("sender");
        _pending = new ValueTask<Delivery>[Listeners];
        _baselinePending = new Task<List<(long, string, string, string)>>[Listeners];
    }

    [GlobalCleanup]
    public void Cleanup() => _hub.Dispose();

    [BenchmarkCategory("broadcast"), Benchmark(Baseline = true)]
    public async Task Broadcast_locked()
    {
        for (var i = 0; i < _names.Length; i++) _baselinePending[i] = _baseline.ListenAsync(_names[i], s_long);
        _baseline.Send("sender", Callsigns.All, "hi");
        await Task.WhenAll(_baselinePending);
    }

    [BenchmarkCategory("broadcast"), Benchmark]
    public async Task Broadcast_lock_free()
    {
        for (var i = 0; i < _sids.Length; i++) _pending[i] = _channel.ListenAsync(_sids[i], s_long);
        _channel.Send(_sender, new SendRequest { To = Callsigns.All, Text = "hi" });
        for (var i = 0; i < _pending.Length; i++) _channel.Commit(await _pending[i]);
    }

    [BenchmarkCategory("dm"), Benchmark(Baseline = true)]
    public async Task Dm_locked()
    {
        for (var i = 0; i < _names.Length; i++) _baselinePending[i] = _baseline.ListenAsync(_names[i], s_long);
        _baseline.Send("sender", _names[^1], "hi");
        await _baselinePending[^1];
        _baseline.Send("sender", Callsigns.All, "release"); // answers the others so nobody stays parked
        await Task.WhenAll(_baselinePending);
    }

    [BenchmarkCategory("dm"), Benchmark]
    public async Task Dm_lock_free()
    {
        for (var i = 0; i < _sids.Length; i++) _pending[i] = _channel.ListenAsync(_sids[i], s_long);
        _channel.Send(_sender, new SendRequest { To = _names[^1], Text = "hi" });
        var last = await _pending[^1];
        _channel.Commit(last);
        _channel.Send(_sender, new SendRequest { To = Callsigns.All, Text = "release" });
        for (var i = 0; i < _pending.Length - 1; i++) _channel.Commit(await _pending[i]);
    }
}
