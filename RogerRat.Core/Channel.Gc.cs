using RogerRat.Core.Storage;

namespace RogerRat.Core;

public sealed partial class Channel
{
    /// <summary>
    /// Evicts sessions idle longer than the channel's TTL unless a listen is parked on them (reference §1.4), drops
    /// tombstones older than their lifetime and expired idempotency keys. Returns the number of sessions evicted.
    /// </summary>
    public int CollectGarbage() => _writer is null ? CollectGarbageLocked() : Acknowledge.Wait(CollectGarbageAsync());

    private int CollectGarbageLocked()
    {
        var evicted = 0;
        lock (_gate)
        {
            var now = Now;
            var ttl = (long)Settings.SessionTtl.TotalMilliseconds;
            foreach (var session in _sessions.Values)
            {
                if (now - session.LastSeen > ttl && !IsParkedAnywhere(session.Callsign))
                {
                    // The collector acknowledges nothing, so it does not wait for the store.
                    _ = Evict(session, now);
                    evicted++;
                }
            }
            var tombstoneCutoff = now - (long)_options.TombstoneLifetime.TotalMilliseconds;
            while (_tombstoneOrder.TryPeek(out var oldest) && oldest.At < tombstoneCutoff)
            {
                _tombstoneOrder.Dequeue();
                if (!_tombstones.TryGetValue(oldest.SessionId, out var at) || at != oldest.At) continue;
                _tombstones.TryRemove(oldest.SessionId, out _);
                _batchPruned?.Add(oldest.SessionId); // other hubs forget it with this one: 400 from then on, everywhere
            }
            _idempotency.Prune(now);
            AssertInvariants();
        }
        return evicted;
    }

    /// <summary>Wakes every parked listen with an empty answer (graceful shutdown).</summary>
    public void WakeAllEmpty()
    {
        foreach (var cs in Volatile.Read(ref _allCallsigns)) Volatile.Read(ref cs.Parked)?.TrySignal(WakeReason.Cancelled);
    }
}
