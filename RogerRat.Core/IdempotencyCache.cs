using RogerRat.Core.Storage;

namespace RogerRat.Core;

/// <summary>
/// Remembers send results by (sender callsign, Idempotency-Key) for a while (PROTOCOL §1.7), with the request's
/// fingerprint so that a key reused for a different message is told apart from a retry. Bounded: when full, the oldest
/// entry goes. Not thread-safe; the channel calls it under its lock. The channel's store holds the durable copy.
/// </summary>
internal sealed class IdempotencyCache(int capacity)
{
    /// <summary>The first answer; <see cref="Ticket"/> lets a replay wait until that answer is durable.</summary>
    public readonly record struct Entry(SendResult Result, ulong Fingerprint, StoreTicket Ticket, long ExpiresAt);

    private readonly Dictionary<(string Sender, string Key), Entry> _entries = [];
    private readonly Queue<(string Sender, string Key, long ExpiresAt)> _order = new();

    public int Count => _entries.Count;

    public bool TryGet(string sender, string key, long now, out Entry entry)
    {
        if (_entries.TryGetValue((sender, key), out entry) && entry.ExpiresAt > now) return true;
        entry = default;
        return false;
    }

    public void Add(string sender, string key, Entry entry)
    {
        _entries[(sender, key)] = entry;
        _order.Enqueue((sender, key, entry.ExpiresAt));
        while (_entries.Count > capacity && _order.TryDequeue(out var oldest)) RemoveIfCurrent(oldest);
    }

    /// <summary>Forgets every key (a shared channel reloading from its store).</summary>
    public void Clear()
    {
        _entries.Clear();
        _order.Clear();
    }

    public void Prune(long now)
    {
        while (_order.TryPeek(out var oldest) && oldest.ExpiresAt <= now)
        {
            _order.Dequeue();
            RemoveIfCurrent(oldest);
        }
    }

    private void RemoveIfCurrent((string Sender, string Key, long ExpiresAt) entry)
    {
        if (_entries.TryGetValue((entry.Sender, entry.Key), out var e) && e.ExpiresAt == entry.ExpiresAt) _entries.Remove((entry.Sender, entry.Key));
    }
}
