using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RogerRat.Bench.Baseline;
using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Bench.Core;

/// <summary>Appending to a full ring (every append evicts) and reading after a cursor with the eligibility filter,
/// lock-free <see cref="MessageRing"/> against the one-lock <see cref="LockedMessageRing"/>, and appending through the
/// engine seam (<see cref="InMemoryChannelStore"/>: the draft, id minting, the message, one more call). A read through
/// the seam is one forwarding call, so it has no row of its own.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RingBenchmarks
{
    private const int Ops = 1000;
    private const int Capacity = 100;
    private ChannelMessage[] _fresh = [];
    private int _next;
    private IMessageRing _lockFree = null!;
    private IMessageRing _locked = null!;
    private IChannelStore _store = null!;
    private long _at = 2_000_000;
    private long _middleId;
    private readonly List<ChannelMessage> _into = new(Capacity);

    [GlobalSetup]
    public void Setup()
    {
        // Enough distinct messages that one is appended again only long after its old slot was overwritten.
        _fresh = new ChannelMessage[8192];
        for (var i = 0; i < _fresh.Length; i++) _fresh[i] = NewMessage(i + 1);
        _lockFree = Filled(new MessageRing(Capacity));
        _locked = Filled(new LockedMessageRing(Capacity));
        _middleId = 1_000_000 + Capacity / 2;
        _store = new InMemoryChannelStore(Filled(new MessageRing(Capacity)));
    }

    private static ChannelMessage NewMessage(long id) =>
        new(id, id % 3 == 0 ? "alpha" : "charlie", id % 2 == 0 ? Callsigns.All : "bravo", "hello", id, MessageKind.Message, MessagePriority.Default, null, null);

    private static IMessageRing Filled(IMessageRing ring)
    {
        for (var i = 0; i < Capacity; i++) ring.Append(NewMessage(1_000_001 + i));
        return ring;
    }

    [BenchmarkCategory("append"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public void Append_locked() => AppendMany(_locked);

    [BenchmarkCategory("append"), Benchmark(OperationsPerInvoke = Ops)]
    public void Append_lock_free() => AppendMany(_lockFree);

    [BenchmarkCategory("append"), Benchmark(OperationsPerInvoke = Ops)]
    public void Append_through_store()
    {
        // The store builds each message, as the channel's send does; the allocation is that message.
        for (var i = 0; i < Ops; i++)
        {
            var m = _fresh[_next];
            _store.Append(new MessageDraft(m.From, m.To, m.Text, _at++, m.Kind, m.Priority, null, null));
            _next = (_next + 1) & (_fresh.Length - 1);
        }
    }

    [BenchmarkCategory("read"), Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public int Read_locked() => ReadMany(_locked);

    [BenchmarkCategory("read"), Benchmark(OperationsPerInvoke = Ops)]
    public int Read_lock_free() => ReadMany(_lockFree);

    private void AppendMany(IMessageRing ring)
    {
        for (var i = 0; i < Ops; i++)
        {
            ring.Append(_fresh[_next]);
            _next = (_next + 1) & (_fresh.Length - 1);
        }
    }

    private int ReadMany(IMessageRing ring)
    {
        var n = 0;
        for (var i = 0; i < Ops; i++)
        {
            _into.Clear();
            ring.ReadAfter(_middleId, "bravo", _into, Capacity);
            n += _into.Count;
        }
        return n;
    }
}
