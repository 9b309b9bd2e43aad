using System.Globalization;
using RogerRat.Core;
using RogerRat.Core.Storage;
using RogerRat.Core.Storage.Shared;
using StackExchange.Redis;
using ChannelMessage = RogerRat.Core.ChannelMessage;

namespace RogerRat.Redis;

/// <summary>
/// One channel in Redis (docs/ARCHITECTURE.md, "Several hubs on one Redis"). Its window is an
/// <see cref="InMemoryChannelStore"/> holding the ring as this hub last saw it, so every read stays synchronous and
/// lock-free; the change log position <c>_applied</c> says how far the working copy goes. A write batch takes the
/// channel's write lease (<see cref="BeginWriteAsync"/>: catch-up or reload under it), the engine stages on the working
/// copy, and <see cref="CommitWriteAsync"/> writes the batch with one script that checks the lease and the log position
/// first. Any fault leaves <see cref="NeedsLoad"/> set, so the next batch reloads the channel from Redis before it runs.
/// </summary>
internal sealed class RedisChannelStore : ISharedChannelStore
{
    private readonly RedisHubStore _hub;
    private readonly RedisKeys _keys;
    private readonly int _capacity;
    // A public band is created in Redis by whichever hub loads it first.
    private readonly ChannelSettings? _ensure;
    private readonly Lock _applyGate = new();
    private readonly List<ChannelMessage> _staged = [];
    private volatile InMemoryChannelStore _window;
    private ISharedReplica? _replica;
    private long _applied;
    private volatile bool _needsLoad;
    private string? _leaseOwner;
    private long _leaseSince;
    private int _wakeState;

    // Lease tries paced by the round trip alone before backing off: a batch holds the lease for about two round trips.
    private const int ImmediateLeaseTries = 20;

    public RedisChannelStore(RedisHubStore hub, ChannelSettings settings, int capacity, bool loaded, bool ensure)
    {
        _hub = hub;
        Settings = settings;
        _keys = new RedisKeys(hub.Options.KeyPrefix, settings.Id);
        _capacity = capacity;
        _window = new InMemoryChannelStore(capacity);
        _needsLoad = !loaded;
        _ensure = ensure ? settings : null;
    }

    public ChannelSettings Settings { get; }

    public RedisKeys Keys => _keys;

    public string HubId => _hub.HubId;

    public bool NeedsLoad => _needsLoad;

    public void Attach(ISharedReplica replica) => _replica = replica;

    // ---- reads: the window ----

    public int Capacity => _capacity;
    public long Tail => _window.Tail;
    public long OldestPosition => _window.OldestPosition;
    public long? OldestId => _window.OldestId;
    public long ReadAfter(long afterId, string? callsign, List<ChannelMessage> into, int max) => _window.ReadAfter(afterId, callsign, into, max);
    public bool AnyAfter(long afterId, string callsign) => _window.AnyAfter(afterId, callsign);
    public ChannelMessage[] Last(int count) => _window.Last(count);
    public long LastMintedId => _window.LastId;
    public void RestoreLastId(long id) => _window.RestoreLastId(id);

    // ---- staging (inside a write batch, under the channel's lock): the batch carries everything ----

    public long MintId(long now) => _window.MintId(now);

    public StagedAppend Append(in MessageDraft draft)
    {
        var staged = _window.Append(draft);
        _staged.Add(staged.Message);
        return staged;
    }

    public StoreTicket CommitCursor(string callsign, long cursor) => StoreTicket.None;
    public StoreTicket PutSession(in SessionRecord session) => StoreTicket.None;
    public StoreTicket RemoveSession(string sessionId) => StoreTicket.None;
    public StoreTicket PutCallsign(in CallsignRecord callsign) => StoreTicket.None;
    public StoreTicket PutIdempotencyKey(in IdempotencyRecord record) => StoreTicket.None;

    // A batch is acknowledged once CommitWriteAsync returned: there is nothing left to wait for.
    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default) => default;

    public bool AppendReplicated(ChannelMessage message)
    {
        if (message.Id <= _window.LastId) return false;
        _window.Restore(message);
        return true;
    }

    // ---- catching up ----

    public async ValueTask RefreshAsync(CancellationToken cancellationToken)
    {
        if (_needsLoad) return;
        var applied = Volatile.Read(ref _applied);
        var result = await _hub.Connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Refresh, [_keys.State, _keys.Log],
            [applied, _hub.Options.MaxCatchUp])).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        ApplyLog((long)parts[0], (RedisResult[])parts[1]!);
    }

    // Applies the change log's entries in order; a gap (trimmed log, lost writes, a channel gone) asks for a reload.
    private void ApplyLog(long seq, RedisResult[] entries)
    {
        lock (_applyGate)
        {
            if (_needsLoad) return;
            if (seq < _applied)
            {
                _needsLoad = true;
                return;
            }
            foreach (var entry in entries)
            {
                var fields = (RedisResult[])entry!;
                var id = (string)fields[0]!;
                var entrySeq = long.Parse(id.AsSpan(0, id.IndexOf('-')), NumberStyles.None, CultureInfo.InvariantCulture);
                if (entrySeq <= _applied) continue;
                if (entrySeq != _applied + 1) break;
                var body = (byte[])((RedisResult[])fields[1]!)[1]!;
                var batch = RedisCodec.Read(body, RedisCodec.Batch);
                // This hub's own batch is in its working copy already.
                if (batch.Hub != _hub.HubId) _replica!.Apply(batch);
                Volatile.Write(ref _applied, entrySeq);
            }
            if (_applied < seq) _needsLoad = true;
        }
    }

    // ---- writing ----

    public async ValueTask BeginWriteAsync()
    {
        if (_leaseOwner is not null) return; // kept from the previous batch: nobody else wrote since
        var owner = _hub.NextLeaseOwner();
        var options = _hub.Options;
        var started = TimeProvider.System.GetTimestamp();
        var backoff = 1;
        var tries = 0;
        long seq;
        RedisResult[] entries;
        while (true)
        {
            var (applied, max) = _needsLoad ? (long.MaxValue / 2, 0) : (Volatile.Read(ref _applied), options.MaxCatchUp);
            var result = await _hub.Connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Begin, [_keys.WriteLease, _keys.State, _keys.Log],
                [owner, (long)options.WriteLeaseTimeout.TotalMilliseconds, applied, max])).ConfigureAwait(false);
            var parts = (RedisResult[])result!;
            if ((long)parts[0] == 1)
            {
                seq = (long)parts[1];
                entries = (RedisResult[])parts[2]!;
                break;
            }
            // Another hub's batch is in flight (a few round trips): ask again at once for a while (each try is one
            // round trip, about as long as the holder needs), then back off; never past the operation timeout.
            if (TimeProvider.System.GetElapsedTime(started) >= options.OperationTimeout) throw new HubException(HubErrors.StoreUnavailableError);
            if (++tries <= ImmediateLeaseTries) continue;
            await Task.Delay(backoff).ConfigureAwait(false);
            backoff = Math.Min(backoff * 2, 8);
        }
        _leaseOwner = owner;
        _leaseSince = TimeProvider.System.GetTimestamp();
        _staged.Clear();
        try
        {
            if (seq < 0 && _ensure is null) throw new HubException(HubErrors.ChannelNotFound);
            if (!_needsLoad) ApplyLog(seq, entries);
            if (_needsLoad) await LoadAsync().ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask CommitWriteAsync(ChannelBatch batch, bool moreQueued)
    {
        batch.Messages.AddRange(_staged);
        _staged.Clear();
        var options = _hub.Options;
        var keep = moreQueued && TimeProvider.System.GetElapsedTime(_leaseSince) < options.MaxLeaseHold;
        if (batch.IsEmpty)
        {
            if (!keep) await ReleaseAsync().ConfigureAwait(false);
            return;
        }
        var seq = Volatile.Read(ref _applied) + 1;
        batch.Hub = _hub.HubId;
        batch.Seq = seq;
        var (keys, args) = CommitArguments(batch, seq, keep);
        try
        {
            await _hub.Connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Commit, keys, args)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whether or not Redis took the batch, this hub cannot tell what its working copy now differs in: reload.
            _needsLoad = true;
            _hub.CommitFailed(_keys.ChannelId, e);
            await ReleaseAsync().ConfigureAwait(false);
            throw e as HubException ?? new HubException(HubErrors.StoreUnavailableError);
        }
        lock (_applyGate)
        {
            if (_applied < seq) Volatile.Write(ref _applied, seq);
        }
        if (!keep) _leaseOwner = null;
    }

    private (RedisKey[] Keys, RedisValue[] Args) CommitArguments(ChannelBatch batch, long seq, bool keep)
    {
        var options = _hub.Options;
        var hubOptions = _hub.HubOptions;
        var now = _hub.EngineTime.GetUtcNow().ToUnixTimeMilliseconds();
        var keys = new List<RedisKey> { _keys.WriteLease, _keys.State, _keys.Ring, _keys.Log, _keys.Callsigns, _keys.Sessions, _keys.Tombstones, _keys.IdempotencyIndex };
        var args = new List<RedisValue>
        {
            _leaseOwner, seq, RedisCodec.Write(batch, RedisCodec.Batch), _capacity, options.ChangeLogLength,
            keep ? (long)options.WriteLeaseTimeout.TotalMilliseconds : 0, _keys.Wake, hubOptions.MaxTombstonesPerChannel, now,
        };
        args.Add(batch.Messages.Count);
        foreach (var m in batch.Messages) args.AddRange([m.Id.ToString(CultureInfo.InvariantCulture) + "-0", RedisCodec.Write(m, RedisCodec.Message)]);
        args.Add(batch.Callsigns.Count);
        foreach (var (name, image) in batch.Callsigns) args.AddRange([name, RedisCodec.Write(image, RedisCodec.Callsign)]);
        args.Add(batch.Sessions.Count);
        foreach (var (id, image) in batch.Sessions) args.AddRange([id, RedisCodec.Write(image, RedisCodec.Session)]);
        args.Add(batch.Removed.Count);
        foreach (var (id, at) in batch.Removed) args.AddRange([id, at]);
        args.Add(batch.TombstonesPruned.Count);
        foreach (var id in batch.TombstonesPruned) args.Add(id);
        args.Add(batch.Keys.Count);
        foreach (var key in batch.Keys)
        {
            var member = RedisCodec.KeyMember(key.Record);
            keys.Add(_keys.IdempotencyPrefix + member);
            args.AddRange([RedisCodec.Write(key, RedisCodec.Key), Math.Max(1, key.Record.ExpiresAt - now), member, key.Record.ExpiresAt]);
        }
        var scalars = RedisCodec.ScalarFields(batch.Scalars);
        args.Add(scalars.Length / 2);
        args.AddRange(scalars);
        return ([.. keys], [.. args]);
    }

    private async ValueTask ReleaseAsync()
    {
        var owner = _leaseOwner;
        _leaseOwner = null;
        if (owner is null) return;
        try
        {
            await _hub.Connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Release, [_keys.WriteLease], [owner])).ConfigureAwait(false);
        }
        catch (HubException)
        {
            // Unreachable: the lease expires by itself after WriteLeaseTimeout.
        }
    }

    // Under the write lease: the whole channel at one log position replaces the working copy.
    private async ValueTask LoadAsync()
    {
        var now = _hub.EngineTime.GetUtcNow().ToUnixTimeMilliseconds();
        var args = new List<RedisValue> { _keys.IdempotencyPrefix, now, _ensure is null ? 0 : 1, _keys.ChannelId };
        if (_ensure is not null) args.AddRange(RedisCodec.RecordFields(_ensure));
        var result = await _hub.Connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Load,
            [_keys.Record, _keys.State, _keys.Callsigns, _keys.Sessions, _keys.Tombstones, _keys.IdempotencyIndex, _keys.Ring, _keys.Channels],
            [.. args])).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        if ((long)parts[0] == 0) throw new HubException(HubErrors.ChannelNotFound);
        ChannelImage image;
        try
        {
            image = Image(parts);
        }
        catch (InvalidDataException e)
        {
            _hub.CommitFailed(_keys.ChannelId, e);
            throw new HubException(HubErrors.StoreUnavailableError);
        }
        var window = new InMemoryChannelStore(_capacity);
        foreach (var m in image.Messages) window.Restore(m);
        window.RestoreLastId(image.Scalars.LastId);
        lock (_applyGate)
        {
            _window = window;
            _replica!.Replace(image);
            Volatile.Write(ref _applied, image.Seq);
            _needsLoad = false;
        }
    }

    private static ChannelImage Image(RedisResult[] parts)
    {
        var state = RedisCodec.Fields(parts[2]);
        var image = new ChannelImage
        {
            Seq = state.TryGetValue("seq", out var seq) && seq.TryParse(out long s) ? s : 0,
            Scalars = RedisCodec.ScalarsOf(state),
        };
        foreach (var (name, value) in RedisCodec.Fields(parts[3])) image.Callsigns.Add(new(name, RedisCodec.Read((byte[])value!, RedisCodec.Callsign)));
        foreach (var (id, value) in RedisCodec.Fields(parts[4])) image.Sessions.Add(new(id, RedisCodec.Read((byte[])value!, RedisCodec.Session)));
        var tombstones = (RedisValue[])parts[5]!;
        for (var i = 0; i + 1 < tombstones.Length; i += 2) image.Tombstones.Add(new(tombstones[i]!, (long)tombstones[i + 1]));
        foreach (var value in (RedisValue[])parts[6]!) image.Keys.Add(RedisCodec.Read((byte[])value!, RedisCodec.Key));
        foreach (var entry in (RedisResult[])parts[7]!)
        {
            var fields = (RedisResult[])entry!;
            image.Messages.Add(RedisCodec.Read((byte[])((RedisResult[])fields[1]!)[1]!, RedisCodec.Message));
        }
        image.Tombstones.Sort(static (a, b) => a.Value.CompareTo(b.Value));
        return image;
    }

    // ---- wake-ups from other hubs ----

    public ValueTask<IDisposable> WatchAsync(CancellationToken cancellationToken) => _hub.Watches.WatchAsync(this, cancellationToken);

    public bool IsHubAlive(string hubId) => _hub.IsHubAlive(hubId);

    public TimeSpan LivenessInterval => _hub.Options.HeartbeatInterval;

    /// <summary>
    /// Another hub committed <paramref name="published"/>: the next batch after this hub's position is applied as it
    /// came, with no read; anything else (a gap, an unreadable payload, a reload pending) catches up from the log, once,
    /// and once more if more wake-ups arrive meanwhile.
    /// </summary>
    public void OnWake(RedisValue published)
    {
        if (!_needsLoad && TryApplyPublished(published)) return;
        // 0 idle, 1 catching up, 2 catching up and asked again.
        while (true)
        {
            var state = Volatile.Read(ref _wakeState);
            if (state == 2) return;
            if (Interlocked.CompareExchange(ref _wakeState, state + 1, state) != state) continue;
            if (state == 0) _ = CatchUpLoopAsync();
            return;
        }
    }

    private bool TryApplyPublished(RedisValue published)
    {
        ChannelBatch batch;
        try
        {
            batch = RedisCodec.Read((byte[])published!, RedisCodec.Batch);
        }
        catch (InvalidDataException)
        {
            return false;
        }
        lock (_applyGate)
        {
            if (_needsLoad) return false;
            if (batch.Seq <= _applied) return true; // already applied (or this hub's own)
            if (batch.Seq != _applied + 1 || Volatile.Read(ref _wakeState) != 0) return false; // a catch-up keeps the order
            if (batch.Hub != _hub.HubId) _replica!.Apply(batch);
            Volatile.Write(ref _applied, batch.Seq);
            return true;
        }
    }

    private async Task CatchUpLoopAsync()
    {
        do
        {
            Volatile.Write(ref _wakeState, 1);
            try
            {
                if (_replica is { } replica) await replica.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (HubException)
            {
                // The store went away meanwhile; Disconnected already answered the parked listens.
            }
        }
        while (Interlocked.CompareExchange(ref _wakeState, 0, 1) != 1);
    }

    /// <summary>The connection broke or came back: this hub may have missed wake-ups, so the channel reloads.</summary>
    public void Invalidate(bool lost)
    {
        _needsLoad = true;
        if (lost) _replica?.Disconnected();
    }
}
