using RogerRat.Core.Storage;
using RogerRat.Core.Storage.Shared;

namespace RogerRat.Core;

/// <summary>
/// A channel whose store other hubs share (docs/ARCHITECTURE.md, "Several hubs on one Redis"): the working copy is
/// brought up to date before every read and write, every write runs in a batch of the <see cref="SharedWriter"/>, and
/// what a batch changed is found by comparing the working copy with what was last committed, so the engine's critical
/// sections stay the same code on one hub and on many.
/// </summary>
public sealed partial class Channel : ISharedReplica
{
    // Set only when the store is shared; null costs the in-memory fast path one field read.
    private readonly ISharedChannelStore? _shared;
    private readonly SharedWriter? _writer;

    // What a write batch produces that comparing states cannot find: status signals, idempotency keys, listen starts.
    private readonly List<ChannelMessage>? _batchStatuses;
    private readonly List<RestoredIdempotencyKey>? _batchKeys;
    private readonly List<string>? _batchListens;
    private readonly List<string>? _batchPruned;
    private readonly HashSet<string>? _committedSessions;
    private ChannelScalars _committedScalars;
    private long _joinSeq;

    /// <summary>True when other hubs share this channel.</summary>
    internal bool IsShared => _shared is not null;

    /// <summary>Applies what other hubs wrote (a shared channel; nothing to do otherwise). Reads call it first.</summary>
    internal ValueTask RefreshAsync(CancellationToken cancellationToken = default) =>
        _shared is null ? default : RefreshSharedAsync(cancellationToken);

    private async ValueTask RefreshSharedAsync(CancellationToken cancellationToken)
    {
        if (!_shared!.NeedsLoad) await _shared.RefreshAsync(cancellationToken).ConfigureAwait(false);
        // A reload runs as a write (an empty one): only under the write lease can it replace the working copy.
        if (_shared.NeedsLoad) await _writer!.RunAsync(static () => true).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    ValueTask ISharedReplica.RefreshAsync(CancellationToken cancellationToken) => RefreshAsync(cancellationToken);

    /// <summary><see cref="Keepalive"/>; waits only in a shared store, where the last-seen time is a write.</summary>
    internal ValueTask KeepaliveAsync(string? sessionId)
    {
        if (_writer is null)
        {
            Keepalive(sessionId);
            return default;
        }
        if (string.IsNullOrEmpty(sessionId)) throw new HubException(HubErrors.SessionHeaderRequired);
        return new ValueTask(_writer.RunAsync(() =>
        {
            Touch(EnsureJoined(sessionId));
            return true;
        }));
    }

    /// <summary><see cref="CollectGarbage"/>; a shared channel's collection is a write like any other.</summary>
    internal ValueTask<int> CollectGarbageAsync() =>
        _writer is null ? new ValueTask<int>(CollectGarbageLocked()) : new ValueTask<int>(_writer.RunAsync(CollectGarbageLocked));

    // A listen parked on another live hub keeps its session as one parked here does.
    private bool IsParkedAnywhere(CallsignState cs) =>
        Volatile.Read(ref cs.Parked) is not null
        || (_shared is not null && cs.ParkedOn is { } hub && hub != _shared.HubId && _shared.IsHubAlive(hub));

    // Caller is the writer, after every write of the batch ran: what differs from the last commit, and the batch's lists.
    private ChannelBatch CollectBatch()
    {
        var batch = new ChannelBatch();
        lock (_gate)
        {
            foreach (var cs in _allCallsigns)
            {
                var image = cs.Image();
                if (image == cs.Committed) continue;
                batch.Callsigns.Add(new(cs.Name, image));
                cs.Committed = image;
            }
            foreach (var session in _sessions.Values)
            {
                var image = new SessionImage(session.Callsign.Name, session.LastSeen);
                if (image == session.Committed && _committedSessions!.Contains(session.Id)) continue;
                batch.Sessions.Add(new(session.Id, image));
                session.Committed = image;
                _committedSessions!.Add(session.Id);
            }
            // Every online session is in the committed set now, so a larger set holds sessions that went offline.
            if (_committedSessions!.Count > _sessions.Count)
            {
                List<string>? gone = null;
                foreach (var id in _committedSessions)
                {
                    if (!_sessions.ContainsKey(id)) (gone ??= []).Add(id);
                }
                foreach (var id in gone ?? [])
                {
                    _committedSessions.Remove(id);
                    batch.Removed.Add(new(id, _tombstones.TryGetValue(id, out var at) ? at : Now));
                }
            }
            batch.Statuses.AddRange(_batchStatuses!);
            batch.Keys.AddRange(_batchKeys!);
            batch.ListenStarted.AddRange(_batchListens!);
            batch.TombstonesPruned.AddRange(_batchPruned!);
            _batchPruned!.Clear();
            _batchStatuses!.Clear();
            _batchKeys!.Clear();
            _batchListens!.Clear();
            batch.Scalars = Scalars();
            _committedScalars = batch.Scalars;
        }
        return batch;
    }

    private ChannelScalars Scalars() => new(_shared!.LastMintedId, Volatile.Read(ref _firstJoinedAt), Volatile.Read(ref _lastActivityAt), _joinSeq);

    /// <inheritdoc/>
    void ISharedReplica.Apply(ChannelBatch batch)
    {
        List<(ChannelMessage Message, CallsignState? Recipient)>? wakes = null;
        List<CallsignState>? signalled = null;
        lock (_gate)
        {
            var timestamp = _time.GetTimestamp();
            foreach (var (name, image) in batch.Callsigns)
            {
                var cs = CallsignFor(name);
                var before = cs.Image();
                cs.SetImage(image, timestamp);
                // A new gap, or the end of a delivery in flight, concerns a listen parked or waiting here.
                if (image.Missed > before.Missed || (before.LeaseActive && !image.LeaseActive)) (signalled ??= []).Add(cs);
            }
            foreach (var (sessionId, at) in batch.Removed)
            {
                if (_sessions.TryRemove(sessionId, out var session) && ReferenceEquals(session.Callsign.Holder, session)) ReleaseReplica(session.Callsign);
                _committedSessions!.Remove(sessionId);
                Tombstone(sessionId, at);
            }
            foreach (var (sessionId, image) in batch.Sessions) ApplySession(sessionId, image);
            foreach (var sessionId in batch.TombstonesPruned) _tombstones.TryRemove(sessionId, out _);
            foreach (var message in batch.Messages)
            {
                if (!_shared!.AppendReplicated(message)) continue;
                (wakes ??= []).Add((message, message.IsBroadcast ? null : _callsigns.GetValueOrDefault(message.To)));
            }
            foreach (var status in batch.Statuses)
            {
                var recipient = status.IsBroadcast ? null : _callsigns.GetValueOrDefault(status.To);
                if (!status.IsBroadcast && recipient is null) continue;
                QueueStatus(status, recipient);
                (wakes ??= []).Add((status, recipient));
            }
            foreach (var key in batch.Keys)
            {
                var r = key.Record;
                _idempotency.Add(r.Sender, r.Key, new IdempotencyCache.Entry(new SendResult(key.Message, r.Queued), r.Fingerprint, StoreTicket.None, r.ExpiresAt));
            }
            foreach (var name in batch.ListenStarted)
            {
                if (!_callsigns.TryGetValue(name, out var cs)) continue;
                Interlocked.Increment(ref cs.ListenGeneration);
                Interlocked.Exchange(ref cs.Parked, null)?.TrySignal(WakeReason.Superseded);
            }
            ApplyScalars(batch.Scalars);
            RebuildJoinOrder();
            AssertInvariants();
        }
        Interlocked.MemoryBarrier();
        foreach (var (message, recipient) in wakes ?? []) Wake(message, recipient);
        foreach (var cs in signalled ?? [])
        {
            WakeParked(cs, WakeReason.Signalled);
            WakeListenBehindLease(cs);
        }
    }

    /// <inheritdoc/>
    void ISharedReplica.Replace(ChannelImage image)
    {
        var signalled = new List<CallsignState>();
        lock (_gate)
        {
            var timestamp = _time.GetTimestamp();
            foreach (var (name, callsign) in image.Callsigns) CallsignFor(name).SetImage(callsign, timestamp);
            var online = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (sessionId, _) in image.Sessions) online.Add(sessionId);
            foreach (var session in _sessions.Values)
            {
                if (online.Contains(session.Id)) continue;
                _sessions.TryRemove(session.Id, out _);
                if (ReferenceEquals(session.Callsign.Holder, session)) ReleaseReplica(session.Callsign);
            }
            _committedSessions!.Clear();
            foreach (var (sessionId, callsign) in image.Sessions) ApplySession(sessionId, callsign);
            _tombstones.Clear();
            _tombstoneOrder.Clear();
            foreach (var (sessionId, at) in image.Tombstones) Tombstone(sessionId, at);
            _idempotency.Clear();
            foreach (var key in image.Keys)
            {
                var r = key.Record;
                _idempotency.Add(r.Sender, r.Key, new IdempotencyCache.Entry(new SendResult(key.Message, r.Queued), r.Fingerprint, StoreTicket.None, r.ExpiresAt));
            }
            _batchStatuses!.Clear();
            _batchKeys!.Clear();
            _batchListens!.Clear();
            _batchPruned!.Clear();
            _firstJoinedAt = 0;
            ApplyScalars(image.Scalars);
            RebuildJoinOrder();
            signalled.AddRange(_allCallsigns);
            AssertInvariants();
        }
        // Whatever a parked listen was waiting for may have happened while this hub could not see it: look again.
        Interlocked.MemoryBarrier();
        foreach (var cs in signalled)
        {
            WakeParked(cs, WakeReason.Signalled);
            WakeListenBehindLease(cs);
        }
    }

    /// <inheritdoc/>
    void ISharedReplica.Disconnected() => WakeAllEmpty();

    private static void WakeParked(CallsignState cs, WakeReason reason) => Volatile.Read(ref cs.Parked)?.TrySignal(reason);

    // Caller holds _gate.
    private CallsignState CallsignFor(string name)
    {
        if (_callsigns.TryGetValue(name, out var cs)) return cs;
        cs = new CallsignState(name);
        _callsigns.Add(name, cs);
        _allCallsigns = [.. _allCallsigns, cs];
        return cs;
    }

    // Caller holds _gate. Another hub's view of a session: new, renamed, or only seen again.
    private void ApplySession(string sessionId, SessionImage image)
    {
        var cs = CallsignFor(image.Callsign);
        if (_sessions.TryGetValue(sessionId, out var session))
        {
            if (!ReferenceEquals(session.Callsign, cs))
            {
                if (ReferenceEquals(session.Callsign.Holder, session)) ReleaseReplica(session.Callsign);
                session.Callsign = cs;
            }
            session.Touch(image.LastSeen);
        }
        else
        {
            session = new Session(sessionId, cs, image.LastSeen);
            _sessions[sessionId] = session;
        }
        cs.Holder = session;
        session.Committed = image;
        _committedSessions!.Add(sessionId);
        _tombstones.TryRemove(sessionId, out _);
    }

    // Caller holds _gate. Like Release, but the join order is rebuilt after the whole batch.
    private static void ReleaseReplica(CallsignState cs)
    {
        cs.Holder = null;
        Volatile.Read(ref cs.Parked)?.TrySignal(WakeReason.Evicted);
    }

    // Caller holds _gate. Every hub orders the roster by the join sequence, so #N means the same callsign everywhere.
    private void RebuildJoinOrder()
    {
        _joinOrder.Clear();
        foreach (var cs in _allCallsigns)
        {
            if (cs.Holder is not null) _joinOrder.Add(cs);
        }
        _joinOrder.Sort(static (a, b) => a.JoinSeq.CompareTo(b.JoinSeq));
    }

    // Caller holds _gate.
    private void ApplyScalars(ChannelScalars scalars)
    {
        _shared!.RestoreLastId(scalars.LastId);
        if (_firstJoinedAt == 0 || (scalars.FirstJoinedAt != 0 && scalars.FirstJoinedAt < _firstJoinedAt)) _firstJoinedAt = scalars.FirstJoinedAt;
        _lastActivityAt = Math.Max(_lastActivityAt, scalars.LastActivityAt);
        _joinSeq = Math.Max(_joinSeq, scalars.JoinSeq);
        _committedScalars = Scalars();
    }
}
