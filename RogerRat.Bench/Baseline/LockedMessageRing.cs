using RogerRat.Core;

namespace RogerRat.Bench.Baseline;

/// <summary>
/// The deliberately simple baseline of <see cref="MessageRing"/>: a queue guarded by one lock for every read and write.
/// It exists so that the lock-free ring has something honest to beat (RingBenchmarks) and so that the model-based
/// property runs the channel over both implementations and finds them equal.
/// </summary>
internal sealed class LockedMessageRing(int capacity) : IMessageRing
{
    private readonly Lock _lock = new();
    private readonly Queue<ChannelMessage> _messages = new(capacity);
    private long _tail;

    public int Capacity { get; } = capacity;

    public long Tail
    {
        get
        {
            lock (_lock) return _tail;
        }
    }

    public long OldestPosition => Math.Max(0, Tail - Capacity);

    public ChannelMessage? Append(ChannelMessage message)
    {
        lock (_lock)
        {
            message.Position = _tail++;
            _messages.Enqueue(message);
            return _messages.Count > Capacity ? _messages.Dequeue() : null;
        }
    }

    public long ReadAfter(long afterId, string? callsign, List<ChannelMessage> into, int max)
    {
        lock (_lock)
        {
            var start = _tail;
            var added = 0;
            foreach (var m in _messages)
            {
                if (m.Id <= afterId) continue;
                if (start == _tail) start = m.Position;
                if (added >= max) break;
                if (callsign is null || m.IsFor(callsign))
                {
                    into.Add(m);
                    added++;
                }
            }
            return start;
        }
    }

    public bool AnyAfter(long afterId, string callsign)
    {
        lock (_lock)
        {
            foreach (var m in _messages)
            {
                if (m.Id > afterId && m.IsFor(callsign)) return true;
            }
            return false;
        }
    }

    public long? OldestId
    {
        get
        {
            lock (_lock) return _messages.Count == 0 ? null : _messages.Peek().Id;
        }
    }

    public ChannelMessage[] Last(int count)
    {
        lock (_lock)
        {
            var n = Math.Min(count, _messages.Count);
            return _messages.Skip(_messages.Count - n).ToArray();
        }
    }
}
