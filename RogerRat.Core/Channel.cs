using System.Collections.Concurrent;
using RogerRat.Core.Storage;
using RogerRat.Core.Storage.Shared;

namespace RogerRat.Core;

/// <summary>
/// One channel: roster, sessions, the message ring, a cursor per callsign, and the listens parked on it.
/// <para>Storage. What must outlive the process or be shared lives in the channel's <see cref="IChannelStore"/>; the
/// channel keeps a working copy, stages each write in the store under <c>_gate</c> and waits for its durability outside
/// it (docs/ARCHITECTURE.md). The in-memory store wraps the lock-free ring and records nothing else.</para>
/// <para>Concurrency design. Reads of the ring never lock (<see cref="MessageRing"/>). One lock, <c>_gate</c>, serialises
/// what must be atomic: roster changes (join, leave, rename, GC), appends (the store mints and publishes ids in order,
/// and an eviction must be accounted against cursors it races with), and lease changes (take, commit, abandon). Each
/// critical section is short and O(1) except eviction accounting of a broadcast, which walks the callsigns
/// (bounded by <see cref="HubOptions.MaxCallsignsPerChannel"/>). Waking listeners happens after the lock is released and
/// touches only the lock-free <see cref="CallsignState.Parked"/> slots.</para>
/// <para>No lost wake-up: a listen publishes its waiter with an interlocked exchange (a full fence) and then re-reads
/// the ring's tail; a send publishes the tail and then issues a full fence before it reads the parked slots. One of the
/// two always sees the other.</para>
/// </summary>
public sealed partial class Channel
{
    private readonly Lock _gate = new();
    private readonly HubOptions _options;
    private readonly TimeProvider _time;
    private readonly RandomSource _random;
    private readonly HubCounters _counters;
    // Messages, and the store of record for cursors, sessions, callsigns and idempotency keys (docs/ARCHITECTURE.md).
    private readonly IChannelStore _store;
    private readonly MessageValidator _validator;
    private readonly Microsoft.Extensions.ObjectPool.ObjectPool<ListenWaiter> _waiters;

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _tombstones = new(StringComparer.Ordinal);
    private readonly Queue<(string SessionId, long At)> _tombstoneOrder = new();
    private readonly Dictionary<string, CallsignState> _callsigns = new(StringComparer.Ordinal);
    private readonly List<CallsignState> _joinOrder = [];
    private readonly IdempotencyCache _idempotency;

    // Copy-on-write snapshot of every callsign, for the lock-free broadcast wake.
    private CallsignState[] _allCallsigns = [];

    // Told of each stored message after its append and wake, outside the lock (webhooks); null costs the send one read.
    private volatile Action<ChannelMessage>? _appended;

    private long _firstJoinedAt;
    private long _lastActivityAt;

    internal Channel(ChannelSettings settings, IChannelStore store, HubOptions options, TimeProvider time, RandomSource random,
        HubCounters counters, Microsoft.Extensions.ObjectPool.ObjectPool<ListenWaiter> waiters)
    {
        Settings = settings;
        _options = options;
        _time = time;
        _random = random;
        _counters = counters;
        _waiters = waiters;
        _store = store;
        _validator = new MessageValidator(options);
        _idempotency = new IdempotencyCache(options.MaxIdempotencyKeysPerChannel);
        _lastActivityAt = Now;
        if (store is ISharedChannelStore shared)
        {
            _shared = shared;
            _batchStatuses = [];
            _batchKeys = [];
            _batchListens = [];
            _batchPruned = [];
            _committedSessions = new HashSet<string>(StringComparer.Ordinal);
            _writer = new SharedWriter(CollectBatch, shared);
            shared.Attach(this);
        }
    }

    /// <summary>The channel's persistent record.</summary>
    public ChannelSettings Settings { get; }

    /// <summary>The channel id.</summary>
    public string Id => Settings.Id;

    /// <summary>Sets, or clears with null, the one callback told of each stored message (not status signals) right after
    /// its append, outside the channel's lock and before the send waits for durability. It runs on the sender's thread:
    /// it must only hand the message on (enqueue), never block and never throw.</summary>
    public void OnAppended(Action<ChannelMessage>? callback) => _appended = callback;

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Checks the owner password (constant-time); false when the channel has none.</summary>
    public bool VerifyOwnerPassword(string? password) =>
        Settings.OwnerPassword is { } stored && password is not null && Secrets.PasswordMatches(stored, password);

    /// <summary>Refreshes the session's TTL (reference §2.8).</summary>
    public void Keepalive(string? sessionId)
    {
        if (_writer is not null)
        {
            Acknowledge.Wait(KeepaliveAsync(sessionId));
            return;
        }
        if (string.IsNullOrEmpty(sessionId)) throw new HubException(HubErrors.SessionHeaderRequired);
        Touch(EnsureJoined(sessionId));
    }

    /// <summary>Online callsigns, sorted ordinally.</summary>
    public string[] Roster()
    {
        lock (_gate)
        {
            var r = new string[_joinOrder.Count];
            for (var i = 0; i < r.Length; i++) r[i] = _joinOrder[i].Name;
            Array.Sort(r, StringComparer.Ordinal);
            return r;
        }
    }

    /// <summary>Online callsigns in join order, 1-based (the <c>#N</c> addresses).</summary>
    public RosterEntry[] RosterWithIndex()
    {
        lock (_gate)
        {
            var r = new RosterEntry[_joinOrder.Count];
            for (var i = 0; i < r.Length; i++) r[i] = new RosterEntry(i + 1, _joinOrder[i].Name, _joinOrder[i].JoinedAt);
            return r;
        }
    }

    /// <summary>Every callsign ever joined (and still remembered), sorted, with its online index.</summary>
    public HistoricRosterEntry[] RosterAll()
    {
        lock (_gate)
        {
            var r = new HistoricRosterEntry[_callsigns.Count];
            var i = 0;
            foreach (var cs in _callsigns.Values)
            {
                var idx = _joinOrder.IndexOf(cs);
                r[i++] = new HistoricRosterEntry(cs.Name, cs.IsOnline, idx >= 0 ? idx + 1 : null);
            }
            Array.Sort(r, static (a, b) => string.CompareOrdinal(a.Callsign, b.Callsign));
            return r;
        }
    }

    /// <summary>The last <paramref name="n"/> stored messages, clamped to 1..ring capacity (DMs included, as the original).</summary>
    public ChannelMessage[] History(int n) => _store.Last(Math.Clamp(n, 1, _options.RingCapacity));

    // The join response's history may be configured off entirely (JoinHistoryCount = 0), unlike /history's n.
    private ChannelMessage[] JoinHistory() => _options.JoinHistoryCount == 0 ? [] : History(_options.JoinHistoryCount);

    /// <summary>Number of online sessions.</summary>
    public int AgentCount => _sessions.Count;

    /// <summary>A snapshot of the channel's counters, taken under its lock.</summary>
    public ChannelStats Stats()
    {
        lock (_gate)
        {
            return new ChannelStats(_sessions.Count, _callsigns.Count, (int)Math.Min(_store.Tail, _store.Capacity),
                _firstJoinedAt == 0 ? null : _firstJoinedAt, _lastActivityAt);
        }
    }

    /// <summary>Whether anyone ever joined (admin summaries list only those).</summary>
    public bool EverJoined => Volatile.Read(ref _firstJoinedAt) != 0;

    private Session EnsureJoined(string? sessionId)
    {
        if (string.IsNullOrEmpty(sessionId)) throw new HubException(HubErrors.SessionHeaderRequiredFromJoin);
        if (_sessions.TryGetValue(sessionId, out var session)) return session;
        throw new HubException(_tombstones.ContainsKey(sessionId) ? HubErrors.SessionExpiredError : HubErrors.NotJoinedToChannel);
    }

    private void Touch(Session session)
    {
        var now = Now;
        session.Touch(now);
        Volatile.Write(ref _lastActivityAt, now);
    }

    // Caller holds _gate.
    private void Tombstone(string sessionId, long now)
    {
        _tombstones[sessionId] = now;
        _tombstoneOrder.Enqueue((sessionId, now));
        while (_tombstones.Count > _options.MaxTombstonesPerChannel && _tombstoneOrder.TryDequeue(out var oldest))
        {
            // Skip queue entries made stale by a re-join and a later tombstone of the same id.
            if (_tombstones.TryGetValue(oldest.SessionId, out var at) && at == oldest.At) _tombstones.TryRemove(oldest.SessionId, out _);
        }
    }

    // Caller holds _gate. Takes the session offline: releases its callsign, wakes its parked listen, leaves a tombstone.
    private StoreTicket Evict(Session session, long now)
    {
        _sessions.TryRemove(session.Id, out _);
        var cs = session.Callsign;
        Release(cs);
        Tombstone(session.Id, now);
        return _store.RemoveSession(session.Id);
    }

    // Caller holds _gate.
    private void Release(CallsignState cs)
    {
        cs.Holder = null;
        cs.ParkedOn = null; // its parked listen ends with it, on whichever hub
        _joinOrder.Remove(cs);
        Volatile.Read(ref cs.Parked)?.TrySignal(WakeReason.Evicted);
    }

    [System.Diagnostics.Conditional("DEBUG")]
    private void AssertInvariants()
    {
        System.Diagnostics.Debug.Assert(_gate.IsHeldByCurrentThread);
        foreach (var s in _sessions.Values)
        {
            System.Diagnostics.Debug.Assert(ReferenceEquals(s.Callsign.Holder, s), "a session's callsign is held by it");
        }
        System.Diagnostics.Debug.Assert(_joinOrder.Count == _sessions.Count, "one online callsign per session");
    }
}

/// <summary>An online callsign and its <c>#N</c> index.</summary>
/// <param name="Idx">The 1-based join-order index (the <c>#N</c> address).</param>
/// <param name="Callsign">The online callsign.</param>
/// <param name="JoinedAt">When the callsign joined, in Unix milliseconds.</param>
public readonly record struct RosterEntry(int Idx, string Callsign, long JoinedAt);

/// <summary>A remembered callsign; <see cref="Idx"/> is its <c>#N</c> when online.</summary>
/// <param name="Callsign">The remembered callsign.</param>
/// <param name="Online">True when a session holds the callsign now.</param>
/// <param name="Idx">The 1-based <c>#N</c> index when online, otherwise null.</param>
public readonly record struct HistoricRosterEntry(string Callsign, bool Online, int? Idx);

/// <summary>Channel counters for <c>/stats</c>.</summary>
/// <param name="AgentCount">Online sessions.</param>
/// <param name="HistoricCallsignsCount">Callsigns the channel remembers, online or not.</param>
/// <param name="MessageCountInBuffer">Messages still held in the ring.</param>
/// <param name="FirstJoinedAt">Unix milliseconds of the first join ever, or null when nobody joined.</param>
/// <param name="LastActivityAt">Unix milliseconds of the last recorded activity.</param>
public readonly record struct ChannelStats(int AgentCount, int HistoricCallsignsCount, int MessageCountInBuffer, long? FirstJoinedAt,
    long LastActivityAt);
