using RogerRat.Core.Storage.Shared;

namespace RogerRat.Core;

public sealed partial class Channel
{
    /// <summary>
    /// A listen on a shared channel: each take is a write (the delivery lease must hold across hubs), so the listen is a
    /// loop of takes and local parks instead of one park whose waiter takes. The first take supersedes the session's
    /// listen parked on any hub. A take that finds nothing publishes its waiter inside the write, so listens of one
    /// callsign start, supersede and park in the order of their writes. A park watches the channel for other hubs'
    /// writes, and after a watch is first set up the listen catches up once more, so a message committed before the
    /// watch took effect is not missed.
    /// </summary>
    private async ValueTask<Delivery> ListenSharedAsync(string? sessionId, TimeSpan timeout, long? since, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var generation = 0;
        IDisposable? watch = null;
        try
        {
            for (var first = true; ; first = false)
            {
                var left = timeout - _time.GetElapsedTime(started);
                var mayPark = left > TimeSpan.Zero && !ct.IsCancellationRequested;
                // Parking needs other hubs' wake-ups: the watch is set up before the take that may park.
                var catchUp = false;
                if (mayPark && watch is null)
                {
                    try
                    {
                        watch = await _shared!.WatchAsync(ct).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        mayPark = false; // the client left meanwhile: one take, no park, as on one hub
                    }
                    catchUp = watch is not null;
                }
                var (isFirst, expected) = (first, generation);
                ListenWaiter? parked = null;
                SharedTake take;
                try
                {
                    take = await _writer!.RunAsync(() => TakeShared(sessionId, since, isFirst, mayPark ? left : TimeSpan.Zero, expected, ct, out parked))
                        .ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // The write failed after the take parked a waiter: end it (answering nobody) so it goes back to its pool.
                    if (parked is not null)
                    {
                        parked.TrySignal(WakeReason.Cancelled);
                        await parked.WaitAsync().ConfigureAwait(false);
                    }
                    if (!isFirst && e is HubException { Error.Reason: HubErrorReason.NotJoined or HubErrorReason.SessionExpired })
                    {
                        return Delivery.Empty(since ?? 0); // the session went offline while parked: empty, as on one hub
                    }
                    throw;
                }
                if (take.Superseded) return Delivery.Empty(since ?? 0);
                generation = take.Generation;
                if (parked is null) return take.Delivery.Retry ? Delivery.Empty(take.Delivery.Cursor) : take.Delivery;

                if (catchUp)
                {
                    try
                    {
                        await _shared!.RefreshAsync(ct).ConfigureAwait(false);
                    }
                    catch (HubException)
                    {
                        parked.TrySignal(WakeReason.Cancelled); // unreachable store: its wake-ups cannot arrive either
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        parked.TrySignal(WakeReason.Cancelled);
                    }
                    // A write the catch-up applied before the waiter was published did not see it: look again.
                    if (take.Delivery.Retry ? !LeaseInFlight(take.Cs!) && HasPending(take.Cs!, null) : HasPending(take.Cs!, since)) parked.TrySignal(WakeReason.Signalled);
                }
                var woken = await parked.WaitAsync().ConfigureAwait(false);
                if (!woken.Retry)
                {
                    if (ct.IsCancellationRequested) await ClearParkedOnAsync(take.Cs!).ConfigureAwait(false);
                    return woken;
                }
            }
        }
        finally
        {
            watch?.Dispose();
        }
    }

    private readonly record struct SharedTake(Delivery Delivery, CallsignState? Cs, int Generation, bool Superseded);

    // Runs in a write batch. A take that finds nothing (or a delivery still in flight) parks here, inside the write, and
    // records this hub as where it parks (the collectors of every hub spare it).
    private SharedTake TakeShared(string? sessionId, long? since, bool first, TimeSpan parkFor, int generation, CancellationToken ct,
        out ListenWaiter? parked)
    {
        parked = null;
        var session = EnsureJoined(sessionId);
        Touch(session);
        var cs = session.Callsign;
        if (first)
        {
            generation = Interlocked.Increment(ref cs.ListenGeneration);
            if (Volatile.Read(ref cs.Parked) is not null) Interlocked.Exchange(ref cs.Parked, null)?.TrySignal(WakeReason.Superseded);
            lock (_gate) _batchListens!.Add(cs.Name);
        }
        else if (Volatile.Read(ref cs.ListenGeneration) != generation)
        {
            return new SharedTake(default, null, generation, Superseded: true);
        }
        var delivery = TryTake(cs, since);
        var parks = !delivery.NeedsCommit && parkFor > TimeSpan.Zero;
        lock (_gate) cs.ParkedOn = parks ? _shared!.HubId : null;
        if (parks)
        {
            var behindLease = delivery.Retry;
            var staleIn = LeaseStaleIn(cs);
            var waiter = _waiters.Get();
            waiter.Arm(this, session, cs, since, _waiters, behindLease && staleIn < parkFor ? staleIn : parkFor, ct, behindLease);
            // Every take of the callsign runs in this writer, in order: whatever is parked here is an older listen's.
            Interlocked.Exchange(ref cs.Parked, waiter)?.TrySignal(WakeReason.Superseded);
            parked = waiter;
            if (!ReferenceEquals(session.Callsign, cs) || !_sessions.ContainsKey(session.Id)) waiter.TrySignal(WakeReason.Evicted);
            else if (behindLease ? !LeaseInFlight(cs) && HasPending(cs, null) : HasPending(cs, since)) waiter.TrySignal(WakeReason.Signalled);
        }
        return new SharedTake(delivery, cs, generation, Superseded: false);
    }

    // A listen whose client went away leaves no mark that would keep the collectors of other hubs from its session.
    private async ValueTask ClearParkedOnAsync(CallsignState cs)
    {
        try
        {
            await _writer!.RunAsync(() =>
            {
                lock (_gate)
                {
                    if (cs.ParkedOn == _shared!.HubId && Volatile.Read(ref cs.Parked) is null) cs.ParkedOn = null;
                }
                return true;
            }).ConfigureAwait(false);
        }
        catch (HubException)
        {
            // Best effort: a stale mark of a live hub only delays the collector until the hub's next listen there.
        }
    }
}
