using RogerRat.Core.Storage;

namespace RogerRat.Core;

public sealed partial class Channel
{
    [ThreadStatic] private static List<ChannelMessage>? t_scratch;

    /// <summary>
    /// Marks a stream open for the session's callsign until disposed: status signals then wait for it between its
    /// listens (a stream writes a frame, then parks again; a signal sent in between would reach nobody otherwise).
    /// </summary>
    public IDisposable OpenStream(string sessionId)
    {
        var cs = EnsureJoined(sessionId).Callsign;
        lock (_gate) cs.Streams++;
        return new StreamMark(this, cs);
    }

    private sealed class StreamMark(Channel channel, CallsignState cs) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            lock (channel._gate)
            {
                if (--cs.Streams == 0 && Volatile.Read(ref cs.Parked) is null) cs.StatusInbox?.Clear();
            }
        }
    }

    /// <summary>True while a listen of the session's callsign is parked on this hub (tests wait for it).</summary>
    internal bool IsParked(string sessionId) =>
        _sessions.TryGetValue(sessionId, out var session) && Volatile.Read(ref Volatile.Read(ref session.Callsign).Parked) is not null;

    /// <summary>The callsign an online session holds, or null when the channel does not know the session.</summary>
    public string? CallsignOf(string sessionId) => _sessions.TryGetValue(sessionId, out var session) ? Volatile.Read(ref session.Callsign).Name : null;

    /// <summary>
    /// Long-poll (reference §1.10 with PROTOCOL §1): returns at once with every pending eligible message (and the gap
    /// report), else parks until a message arrives, <paramref name="timeout"/> passes, <paramref name="cancellationToken"/>
    /// fires, the session leaves, or the same session starts another listen (then this one returns empty and consumes
    /// nothing). The result consumes nothing either until the transport commits it.
    /// </summary>
    public ValueTask<Delivery> ListenAsync(string? sessionId, TimeSpan timeout, long? since = null, CancellationToken cancellationToken = default)
    {
        if (_writer is not null) return ListenSharedAsync(sessionId, timeout, since, cancellationToken);
        var session = EnsureJoined(sessionId);
        Touch(session);
        var cs = session.Callsign;
        // A new listen from the session supersedes its parked one, which then answers empty and consumes nothing. The
        // generation lets a listen waiting behind a lease see that a newer one started while it was between parks.
        var generation = Interlocked.Increment(ref cs.ListenGeneration);
        if (Volatile.Read(ref cs.Parked) is not null) Interlocked.Exchange(ref cs.Parked, null)?.TrySignal(WakeReason.Superseded);
        var delivery = TryTake(cs, since);
        if (delivery.NeedsCommit) return new ValueTask<Delivery>(delivery);
        if (timeout <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
        {
            return new ValueTask<Delivery>(delivery.Retry ? Delivery.Empty(delivery.Cursor) : delivery);
        }
        if (delivery.Retry) return ListenBehindLeaseAsync(session, cs, generation, timeout, cancellationToken);
        return Park(session, cs, timeout, since, cancellationToken);
    }

    /// <summary>
    /// The rare path of a client that asked again before the write of its previous answer was reported: waits in short
    /// parks, each woken by that delivery's commit or abandon, a send, or the lease going stale, and carries on as an
    /// ordinary listen once the lease is over. Never hands out what the earlier delivery may already have delivered.
    /// </summary>
    private async ValueTask<Delivery> ListenBehindLeaseAsync(Session session, CallsignState cs, int generation, TimeSpan timeout,
        CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var left = timeout - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) return Delivery.Empty(Volatile.Read(ref cs.Cursor));
            var staleIn = LeaseStaleIn(cs);
            var delivery = await ParkBehindLease(session, cs, generation, staleIn < left ? staleIn : left, ct).ConfigureAwait(false);
            if (!delivery.Retry) return delivery;
        }
    }

    /// <summary>Moves the cursor to what the delivery handed out; a stale delivery (superseded by a later take) is ignored.</summary>
    public void Commit(in Delivery delivery) => Acknowledge.Wait(CommitAsync(delivery));

    /// <summary>
    /// <see cref="Commit"/>, completing once the store holds the new cursor durably (at once in memory), so that a
    /// restart does not hand the same messages out again. Call it after the transport's write succeeded.
    /// </summary>
    public ValueTask CommitAsync(Delivery delivery, CancellationToken cancellationToken = default)
    {
        if (delivery.Lease is not { } cs) return default;
        if (_writer is not null) return EndLeaseSharedAsync(() => CommitLocked(delivery, cs, out _), cs);
        if (!CommitLocked(delivery, cs, out var ticket)) return default;
        WakeListenBehindLease(cs);
        return Acknowledge.After(_store, ticket, cancellationToken);
    }

    private bool CommitLocked(in Delivery delivery, CallsignState cs, out StoreTicket ticket)
    {
        ticket = StoreTicket.None;
        lock (_gate)
        {
            if (!cs.LeaseActive || cs.LeaseVersion != delivery.LeaseVersion) return false;
            if (delivery.Messages.Count > 0)
            {
                cs.Cursor = delivery.Cursor;
                cs.HighWater = Math.Max(cs.HighWater, delivery.Cursor);
                ticket = _store.CommitCursor(cs.Name, delivery.Cursor);
            }
            cs.Missed -= delivery.Missed;
            cs.EvictedDuringLease = 0;
            cs.LeaseActive = false;
            return true;
        }
    }

    // A lease ended by a shared write frees the listen waiting behind it once the end is in the shared store. The answer
    // was written already, so a store fault is not the client's: the end is retried in the background, and meanwhile
    // the lease (still this hub's, in the store) keeps every hub from handing the same messages out again.
    private async ValueTask EndLeaseSharedAsync(Func<bool> end, CallsignState cs)
    {
        try
        {
            if (await _writer!.RunAsync(end).ConfigureAwait(false)) WakeListenBehindLease(cs);
        }
        catch (HubException e) when (e.Error.Reason == HubErrorReason.StoreUnavailable)
        {
            _ = RetryEndLeaseAsync(end, cs);
        }
    }

    private async Task RetryEndLeaseAsync(Func<bool> end, CallsignState cs)
    {
        var started = _time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(100);
        while (_time.GetElapsedTime(started) < _options.DeliveryLeaseTimeout)
        {
            await Task.Delay(delay, _time).ConfigureAwait(false);
            try
            {
                if (await _writer!.RunAsync(end).ConfigureAwait(false)) WakeListenBehindLease(cs);
                return;
            }
            catch (HubException e) when (e.Error.Reason == HubErrorReason.StoreUnavailable)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond));
            }
        }
    }

    /// <summary>
    /// Commits the first <paramref name="written"/> messages of the delivery and gives the rest back, for a transport
    /// that writes a delivery as separate frames (the SSE stream) and can be cut between two of them. The gap report
    /// counts as written with the first message (it is framed before them). Messages that left the ring while the
    /// delivery was being written are counted as missed: the count cannot tell whether they were among the written ones.
    /// </summary>
    public ValueTask CommitThroughAsync(Delivery delivery, int written, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(written);
        if (written >= delivery.Messages.Count) return CommitAsync(delivery, cancellationToken);
        if (written == 0) return AbandonAsync(delivery);
        if (delivery.Lease is not { } cs) return default;
        if (_writer is not null) return EndLeaseSharedAsync(() => CommitThroughLocked(delivery, cs, written, out _), cs);
        if (!CommitThroughLocked(delivery, cs, written, out var ticket)) return default;
        WakeListenBehindLease(cs);
        return Acknowledge.After(_store, ticket, cancellationToken);
    }

    private bool CommitThroughLocked(in Delivery delivery, CallsignState cs, int written, out StoreTicket ticket)
    {
        ticket = StoreTicket.None;
        lock (_gate)
        {
            if (!cs.LeaseActive || cs.LeaseVersion != delivery.LeaseVersion) return false;
            var cursor = delivery.Messages[written - 1].Id;
            cs.Cursor = cursor;
            cs.HighWater = Math.Max(cs.HighWater, cursor);
            ticket = _store.CommitCursor(cs.Name, cursor);
            cs.Missed -= delivery.Missed;
            EndLeaseUncommitted(cs);
            return true;
        }
    }

    /// <summary>Gives the delivery back: the cursor stays and the messages come again on the next listen.</summary>
    public void Abandon(in Delivery delivery) => Acknowledge.Wait(AbandonAsync(delivery));

    /// <summary><see cref="Abandon"/>; waits only in a shared store, where giving the lease back is a write.</summary>
    internal ValueTask AbandonAsync(Delivery delivery)
    {
        if (delivery.Lease is not { } cs) return default;
        if (_writer is not null) return EndLeaseSharedAsync(() => AbandonLocked(delivery, cs), cs);
        if (AbandonLocked(delivery, cs)) WakeListenBehindLease(cs);
        return default;
    }

    private bool AbandonLocked(in Delivery delivery, CallsignState cs)
    {
        lock (_gate)
        {
            if (!cs.LeaseActive || cs.LeaseVersion != delivery.LeaseVersion) return false;
            EndLeaseUncommitted(cs);
            return true;
        }
    }

    // Pairs with the interlocked publication of a waiter in ParkBehindLease: the lease is over before we look for it.
    private static void WakeListenBehindLease(CallsignState cs)
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref cs.Parked) is { BehindLease: true } waiter) waiter.TrySignal(WakeReason.Signalled);
    }

    /// <summary>True while the callsign's last delivery is being written and not yet stale.</summary>
    private bool LeaseInFlight(CallsignState cs) =>
        Volatile.Read(ref cs.LeaseActive) && _time.GetElapsedTime(Volatile.Read(ref cs.LeaseTakenAt)) < _options.DeliveryLeaseTimeout
        && LeaseHolderAlive(cs);

    // A delivery another hub took dies with that hub: its client reconnects elsewhere and must not wait out the lease.
    private bool LeaseHolderAlive(CallsignState cs) =>
        _shared is null || cs.LeaseHub is not { } hub || hub == _shared.HubId || _shared.IsHubAlive(hub);

    private TimeSpan LeaseStaleIn(CallsignState cs)
    {
        if (!Volatile.Read(ref cs.LeaseActive)) return TimeSpan.MaxValue;
        var left = _options.DeliveryLeaseTimeout - _time.GetElapsedTime(Volatile.Read(ref cs.LeaseTakenAt));
        // Another hub's lease is looked at again as often as hubs prove they are alive: its holder may die meanwhile.
        if (_shared is not null && cs.LeaseHub is { } hub && hub != _shared.HubId && left > _shared.LivenessInterval) left = _shared.LivenessInterval;
        return left > TimeSpan.FromMilliseconds(1) ? left : TimeSpan.FromMilliseconds(1);
    }

    // Caller holds _gate. What left the ring while leased was never delivered after all.
    private static void EndLeaseUncommitted(CallsignState cs)
    {
        cs.Missed += cs.EvictedDuringLease;
        cs.EvictedDuringLease = 0;
        cs.LeaseActive = false;
    }

    // Parks without an async state machine: the pooled waiter is the ValueTask's source, and its GetResult finishes the
    // listen (CompleteWake) on the awaiting side.
    private ValueTask<Delivery> Park(Session session, CallsignState cs, TimeSpan timeout, long? since, CancellationToken ct)
    {
        var waiter = _waiters.Get();
        waiter.Arm(this, session, cs, since, _waiters, timeout, ct, behindLease: false);
        Interlocked.Exchange(ref cs.Parked, waiter)?.TrySignal(WakeReason.Superseded);
        // Re-check after publishing the waiter (the other half of the no-lost-wake-up handshake), and after a race with
        // an eviction or rename this callsign may have lost meanwhile.
        if (!ReferenceEquals(session.Callsign, cs) || !_sessions.ContainsKey(session.Id)) waiter.TrySignal(WakeReason.Evicted);
        else if (HasPending(cs, since)) waiter.TrySignal(WakeReason.Signalled);
        return waiter.WaitAsync();
    }

    // Parks only if no newer listen of the callsign has started or parked: this one re-parks later than it began.
    private ValueTask<Delivery> ParkBehindLease(Session session, CallsignState cs, int generation, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = _waiters.Get();
        waiter.Arm(this, session, cs, null, _waiters, timeout, ct, behindLease: true);
        if (Interlocked.CompareExchange(ref cs.Parked, waiter, null) is not null || Volatile.Read(ref cs.ListenGeneration) != generation)
        {
            waiter.TrySignal(WakeReason.Superseded);
        }
        else if (!ReferenceEquals(session.Callsign, cs) || !_sessions.ContainsKey(session.Id)) waiter.TrySignal(WakeReason.Evicted);
        // While the lease is in flight its commit or abandon wakes us (WakeListenBehindLease), not what is pending.
        else if (!LeaseInFlight(cs) && HasPending(cs, null)) waiter.TrySignal(WakeReason.Signalled);
        return waiter.WaitAsync();
    }

    internal Delivery CompleteWake(Session session, CallsignState cs, long? since, WakeReason reason, bool behindLease)
    {
        // Superseded, evicted or cancelled (client gone, server stopping): answer empty and consume nothing.
        if (reason is WakeReason.Superseded or WakeReason.Evicted or WakeReason.Cancelled)
        {
            return Delivery.Empty(since ?? Volatile.Read(ref cs.Cursor));
        }
        // In a shared store taking is a write: the listen's own loop takes again (ListenSharedAsync).
        if (_writer is not null) return Delivery.Later(Volatile.Read(ref cs.Cursor));
        Touch(session);
        var delivery = TryTake(cs, since);
        // Behind a lease, anything but a delivery means "park again" (the loop ends at the listen's own timeout).
        if (behindLease) return delivery.NeedsCommit ? delivery : Delivery.Later(delivery.Cursor);
        return delivery.Retry ? Delivery.Empty(delivery.Cursor) : delivery;
    }

    private bool HasPending(CallsignState cs, long? since)
    {
        if (Volatile.Read(ref cs.Missed) > 0) return true;
        return _store.AnyAfter(since ?? Volatile.Read(ref cs.Cursor), cs.Name);
    }

    /// <summary>
    /// Reads what is pending for <paramref name="cs"/> without a lock, then takes a lease under the lock, checking that
    /// nothing it read left the ring in between (else it reads again: the eviction was already counted as a gap).
    /// </summary>
    private Delivery TryTake(CallsignState cs, long? since)
    {
        // The ring is read into a per-thread scratch list; only a non-empty delivery allocates (its exact-size array).
        var batch = t_scratch ??= new List<ChannelMessage>(_store.Capacity);
        while (true)
        {
            var cursor = since ?? Volatile.Read(ref cs.Cursor);
            batch.Clear();
            var startPosition = _store.ReadAfter(cursor, cs.Name, batch, _store.Capacity);
            lock (_gate)
            {
                // The callsign's previous delivery is still being written: taking now could hand its messages out twice.
                if (since is null && cs.LeaseActive && _time.GetElapsedTime(cs.LeaseTakenAt) < _options.DeliveryLeaseTimeout && LeaseHolderAlive(cs))
                {
                    batch.Clear();
                    return Delivery.Later(cs.Cursor);
                }
                if (since is null && cs.Cursor != cursor) continue; // a commit moved the cursor meanwhile
                if (_store.OldestPosition > startPosition && batch.Count > 0 && batch[0].Position < _store.OldestPosition) continue;

                if (cs.StatusInbox is { Count: > 0 } inbox)
                {
                    // Statuses are never stored; they join the batch in id order.
                    while (inbox.TryDequeue(out var status)) if (status.Id > cursor) batch.Add(status);
                    batch.Sort(static (a, b) => a.Id.CompareTo(b.Id));
                }

                var missed = cs.Missed;
                if (batch.Count == 0 && missed == 0)
                {
                    batch.Clear();
                    return Delivery.Empty(cursor);
                }
                if (cs.LeaseActive) EndLeaseUncommitted(cs); // a stale or `since` take replaces an older one

                var newCursor = batch.Count > 0 ? batch[^1].Id : cursor;
                cs.LeaseVersion++;
                cs.LeaseActive = true;
                cs.LeaseTakenAt = _time.GetTimestamp();
                cs.LeaseHub = _shared?.HubId;
                cs.LeaseFrom = cursor;
                cs.LeaseCursor = newCursor;
                cs.EvictedDuringLease = 0;
                var messages = batch.ToArray();
                batch.Clear();
                return new Delivery(messages, newCursor, missed, missed > 0 ? _store.OldestId : null, cs, cs.LeaseVersion);
            }
        }
    }
}
