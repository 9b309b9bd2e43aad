namespace RogerRat.Core;

/// <summary>
/// Remembers send results by (sender callsign, Idempotency-Key) for a while (PROTOCOL §1.7). Bounded: when full, the
/// oldest entry goes. Not thread-safe; the channel calls it under its lock.
/// </summary>
internal sealed class IdempotencyCache(int capacity)
{
    private readonly Dictionary<(string Sender, string Key), (SendResult Result, long ExpiresAt)> _entries = [];
    private readonly Queue<(string Sender, string Key, long ExpiresAt)> _order = new();

    public int Count => _entries.Count;

    public bool TryGet(string sender, string key, long now, out SendResult result)
    {
        if (_entries.TryGetValue((sender, key), out var e) && e.ExpiresAt > now)
        {
            result = e.Result;
            return true;
        }
        result = null!;
        return false;
    }

    public void Add(string sender, string key, SendResult result, long expiresAt)
    {
        _entries[(sender, key)] = (result, expiresAt);
        _order.Enqueue((sender, key, expiresAt));
        while (_entries.Count > capacity && _order.TryDequeue(out var oldest)) RemoveIfCurrent(oldest);
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
