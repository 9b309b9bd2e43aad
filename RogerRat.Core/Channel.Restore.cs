using RogerRat.Core.Storage;

namespace RogerRat.Core;

public sealed partial class Channel
{
    /// <summary>
    /// A channel rebuilt from what its store recovered: callsigns with their cursors and identity keys, the sessions that
    /// were online (in join order, each with a fresh TTL) and the idempotency keys. Leases, parked listens and tombstones
    /// are the process's and start empty; a gap counted before the restart is not reported again.
    /// </summary>
    internal static Channel Restore(RestoredChannel restored, HubOptions options, TimeProvider time, RandomSource random,
        HubCounters counters, Microsoft.Extensions.ObjectPool.ObjectPool<ListenWaiter> waiters)
    {
        var channel = new Channel(restored.Settings, restored.Store, options, time, random, counters, waiters);
        lock (channel._gate) channel.RestoreState(restored);
        return channel;
    }

    // Caller holds _gate; nobody else can see the channel yet.
    private void RestoreState(RestoredChannel restored)
    {
        var now = Now;
        foreach (var record in restored.Callsigns)
        {
            if (_callsigns.ContainsKey(record.Callsign)) continue;
            _callsigns.Add(record.Callsign, new CallsignState(record.Callsign)
            {
                Cursor = record.Cursor,
                HighWater = Math.Max(record.HighWater, record.Cursor),
                IdentityKeyHash = record.IdentityKeyHash,
            });
        }
        _allCallsigns = [.. _callsigns.Values];
        foreach (var record in restored.Sessions)
        {
            if (!_callsigns.TryGetValue(record.Callsign, out var cs) || cs.Holder is not null || _sessions.ContainsKey(record.SessionId)) continue;
            var session = new Session(record.SessionId, cs, now);
            _sessions[record.SessionId] = session;
            cs.Holder = session;
            cs.JoinedAt = record.JoinedAt;
            _joinOrder.Add(cs);
        }
        foreach (var key in restored.IdempotencyKeys)
        {
            var r = key.Record;
            if (r.ExpiresAt <= now) continue;
            _idempotency.Add(r.Sender, r.Key, new IdempotencyCache.Entry(new SendResult(key.Message, r.Queued), r.Fingerprint, StoreTicket.None, r.ExpiresAt));
        }
        _firstJoinedAt = restored.FirstJoinedAt;
        _lastActivityAt = Math.Max(restored.LastActivityAt, _lastActivityAt);
        AssertInvariants();
    }
}
