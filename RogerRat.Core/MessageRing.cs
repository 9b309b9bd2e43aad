namespace RogerRat.Core;

/// <summary>
/// Lock-free-read array ring. Design:
/// <list type="bullet">
/// <item>One writer at a time (the channel's send lock). It writes the slot, then publishes <c>_tail</c> with a volatile
/// write, so a reader that sees a tail also sees every slot below it.</item>
/// <item>Messages are immutable and carry their own <see cref="ChannelMessage.Position"/>, so a slot needs no separate
/// sequence number: a reader that finds a message whose position is not the one it asked for knows the writer lapped
/// it and restarts from the new oldest position. Nothing is ever read torn.</item>
/// <item>The array is a power of two (index by mask) of at least <c>capacity</c> slots; only the last
/// <c>capacity</c> positions count as retained, the rest is slack the writer overwrites.</item>
/// </list>
/// </summary>
internal sealed class MessageRing : IMessageRing
{
    private readonly ChannelMessage?[] _slots;
    private readonly int _mask;
    private long _tail;

    public MessageRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new ChannelMessage?[size];
        _mask = size - 1;
    }

    public int Capacity { get; }

    public long Tail => Volatile.Read(ref _tail);

    public long OldestPosition => Math.Max(0, Tail - Capacity);

    public ChannelMessage? Append(ChannelMessage message)
    {
        var position = _tail; // single writer: our own last write
        var evicted = position >= Capacity ? _slots[(position - Capacity) & _mask] : null;
        message.Position = position;
        Volatile.Write(ref _slots[position & _mask], message);
        Volatile.Write(ref _tail, position + 1);
        return evicted;
    }

    public long? OldestId
    {
        get
        {
            while (true)
            {
                var tail = Tail;
                if (tail == 0) return null;
                var m = ReadAt(Math.Max(0, tail - Capacity));
                if (m is not null) return m.Id;
            }
        }
    }

    public long ReadAfter(long afterId, string? callsign, List<ChannelMessage> into, int max)
    {
        var mark = into.Count;
        while (true)
        {
            var tail = Tail;
            var oldest = Math.Max(0, tail - Capacity);
            if (!TryFindFirstAfter(afterId, oldest, tail, out var start))
            {
                continue; // lapped while searching: the window moved, search again
            }
            var lapped = false;
            for (var p = start; p < tail && into.Count - mark < max; p++)
            {
                var m = ReadAt(p);
                if (m is null)
                {
                    lapped = true;
                    break;
                }
                if (callsign is null || m.IsFor(callsign)) into.Add(m);
            }
            if (!lapped) return start;
            into.RemoveRange(mark, into.Count - mark);
        }
    }

    public bool AnyAfter(long afterId, string callsign)
    {
        while (true)
        {
            var tail = Tail;
            if (!TryFindFirstAfter(afterId, Math.Max(0, tail - Capacity), tail, out var start)) continue;
            var lapped = false;
            for (var p = start; p < tail; p++)
            {
                var m = ReadAt(p);
                if (m is null)
                {
                    lapped = true;
                    break;
                }
                if (m.IsFor(callsign)) return true;
            }
            if (!lapped) return false;
        }
    }

    public ChannelMessage[] Last(int count)
    {
        while (true)
        {
            var tail = Tail;
            var n = (int)Math.Min(Math.Min(count, Capacity), tail);
            if (n <= 0) return [];
            var result = new ChannelMessage[n];
            var ok = true;
            for (var i = 0; i < n; i++)
            {
                var m = ReadAt(tail - n + i);
                if (m is null)
                {
                    ok = false;
                    break;
                }
                result[i] = m;
            }
            if (ok) return result;
        }
    }

    // Binary search over [oldest, tail) for the first id above afterId; ids grow with position.
    private bool TryFindFirstAfter(long afterId, long oldest, long tail, out long start)
    {
        long lo = oldest, hi = tail;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var m = ReadAt(mid);
            if (m is null)
            {
                start = 0;
                return false;
            }
            if (m.Id > afterId) hi = mid;
            else lo = mid + 1;
        }
        start = lo;
        return true;
    }

    /// <summary>The message at <paramref name="position"/>, or null when the writer has reused its slot.</summary>
    private ChannelMessage? ReadAt(long position)
    {
        var m = Volatile.Read(ref _slots[position & _mask]);
        return m is not null && m.Position == position ? m : null;
    }
}
