using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Core;
using RogerRat.Core.Storage;
using RogerRat.Core.Storage.Shared;
using StackExchange.Redis;

namespace RogerRat.Redis;

/// <summary>
/// Several hubs keep their channels in one Redis (<c>--redis</c>; docs/ARCHITECTURE.md, "Several hubs on one Redis").
/// A channel is created once for all hubs and opened by each on its first request for it; this hub tells the others it
/// is alive every <see cref="RedisStoreOptions.HeartbeatInterval"/>, so their collectors spare the sessions parked here
/// and stop sparing them once it is gone. When the connection breaks, parked listens answer empty and every channel
/// reloads at its next use; the client reconnects by itself.
/// </summary>
internal sealed class RedisHubStore : ISharedHubStore, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RedisChannelStore> _channels = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _hubsKey;
    // The hubs the last read of rr:hubs found, when that read was issued, and the hubs found missing since (with when):
    // a hub counts as gone only once a read issued after it was first missed still lacks it.
    private volatile HashSet<string> _liveHubs = new(StringComparer.Ordinal);
    private long _liveReadAt;
    private readonly ConcurrentDictionary<string, long> _missing = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _beatNow = new(0, 1);
    private Task _heartbeat = Task.CompletedTask;
    private long _leases;

    private RedisHubStore(RedisConnection connection, HubOptions hubOptions, TimeProvider engineTime, ILogger logger)
    {
        Connection = connection;
        HubOptions = hubOptions;
        EngineTime = engineTime;
        _logger = logger;
        HubId = Guid.NewGuid().ToString("N")[..12];
        _hubsKey = Options.KeyPrefix + "hubs";
        Watches = new RedisWatches(connection, connection.Options);
        connection.Lost += () => Invalidate(lost: true);
        connection.Restored += () => Invalidate(lost: false);
    }

    public RedisConnection Connection { get; }
    public RedisStoreOptions Options => Connection.Options;

    /// <summary>The engine's limits (tombstones, channel count) that the scripts apply.</summary>
    public HubOptions HubOptions { get; }

    /// <summary>The engine's clock: expiry times in the store are on it.</summary>
    public TimeProvider EngineTime { get; }

    /// <summary>This process's id among the hubs (new at every start).</summary>
    public string HubId { get; }

    public RedisWatches Watches { get; }

    /// <summary>Connects and announces this hub; a Redis that cannot be reached is <see cref="HubErrorReason.StoreUnavailable"/>.</summary>
    public static async Task<RedisHubStore> ConnectAsync(RedisStoreOptions options, HubOptions hubOptions, ILogger? logger = null,
        TimeProvider? engineTime = null)
    {
        var connection = await RedisConnection.ConnectAsync(options).ConfigureAwait(false);
        var store = new RedisHubStore(connection, hubOptions, engineTime ?? TimeProvider.System, logger ?? NullLogger.Instance);
        await store.BeatAsync().ConfigureAwait(false);
        store._heartbeat = store.HeartbeatLoopAsync();
        return store;
    }

    public string NextLeaseOwner() => HubId + ":" + Interlocked.Increment(ref _leases).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Whether <paramref name="hubId"/> was heard from within <see cref="RedisStoreOptions.HubTimeout"/>. A hub this one
    /// has not seen yet (it started after the last read) counts as alive until a read issued after the question says
    /// otherwise; the question asks for that read at once. Mistaking a live hub for a gone one would hand its delivery
    /// out twice; the other way round only waits one more read.
    /// </summary>
    public bool IsHubAlive(string hubId)
    {
        if (hubId == HubId || _liveHubs.Contains(hubId))
        {
            _missing.TryRemove(hubId, out _);
            return true;
        }
        var now = TimeProvider.System.GetTimestamp();
        var since = _missing.GetOrAdd(hubId, now);
        if (Volatile.Read(ref _liveReadAt) > since) return false;
        try
        {
            if (_beatNow.CurrentCount == 0) _beatNow.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another question asked for the read first.
        }
        return true;
    }

    // ---- IHubStore: the public bands, which the hub opens at start ----

    public IChannelStore CreateChannel(ChannelSettings settings, int ringCapacity, out StoreTicket ticket)
    {
        ticket = StoreTicket.None;
        return _channels.GetOrAdd(settings.Id, _ => new RedisChannelStore(this, settings, ringCapacity, loaded: false, ensure: true));
    }

    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default) => default;

    // ---- ISharedHubStore ----

    public async ValueTask<ISharedChannelStore?> CreateSharedChannelAsync(ChannelSettings settings, int ringCapacity, int maxChannels)
    {
        var keys = new RedisKeys(Options.KeyPrefix, settings.Id);
        var created = (long)await Connection.RunAsync(db => db.ScriptEvaluateAsync(RedisScripts.Create, [keys.Channels, keys.Record, keys.State],
            [settings.Id, maxChannels, .. RedisCodec.RecordFields(settings)])).ConfigureAwait(false);
        if (created == 0) return null;
        if (created < 0) throw new HubException(HubErrors.TooManyChannels);
        var store = new RedisChannelStore(this, settings, ringCapacity, loaded: true, ensure: false);
        _channels[settings.Id] = store;
        return store;
    }

    public async ValueTask<(ChannelSettings Settings, ISharedChannelStore Store)?> OpenSharedChannelAsync(string id, int ringCapacity)
    {
        if (_channels.TryGetValue(id, out var known)) return (known.Settings, known);
        var keys = new RedisKeys(Options.KeyPrefix, id);
        var fields = await Connection.RunAsync(db => db.HashGetAllAsync(keys.Record)).ConfigureAwait(false);
        if (fields.Length == 0) return null;
        ChannelSettings settings;
        try
        {
            settings = RedisCodec.Record(fields.ToDictionary(static f => (string)f.Name!, static f => f.Value, StringComparer.Ordinal));
        }
        catch (InvalidDataException e)
        {
            _logger.LogError("channel {ChannelId}: {Problem}", id, e.Message);
            throw new HubException(HubErrors.StoreUnavailableError);
        }
        var store = _channels.GetOrAdd(id, _ => new RedisChannelStore(this, settings, ringCapacity, loaded: false, ensure: false));
        return (store.Settings, store);
    }

    /// <summary>A commit or load failed: the channel reloads before its next write; logged once per failure.</summary>
    public void CommitFailed(string channelId, Exception e) =>
        _logger.LogWarning("channel {ChannelId}: shared store write failed ({Problem}); the channel reloads from Redis", channelId,
            e is HubException ? Connection.LastFault ?? e.Message : e.Message);

    private void Invalidate(bool lost)
    {
        if (lost) _logger.LogWarning("lost the connection to Redis ({Problem}); answering 503 store_unavailable until it is back", Connection.LastFault ?? "connection failed");
        else _logger.LogInformation("connection to Redis restored; channels reload at their next use");
        foreach (var store in _channels.Values) store.Invalidate(lost);
    }

    // ---- liveness ----

    private const string Heartbeat = """
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
        return redis.call('ZRANGE', KEYS[1], 0, -1)
        """;

    private async Task BeatAsync()
    {
        var issued = TimeProvider.System.GetTimestamp();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var ttl = (long)Math.Max(Options.HubTimeout.TotalMilliseconds, 2 * Options.HeartbeatInterval.TotalMilliseconds);
        var live = await Connection.RunAsync(db => db.ScriptEvaluateAsync(Heartbeat, [_hubsKey], [HubId, now + ttl, now])).ConfigureAwait(false);
        _liveHubs = new HashSet<string>(((RedisValue[])live!).Select(static v => (string)v!), StringComparer.Ordinal);
        Volatile.Write(ref _liveReadAt, issued);
    }

    private async Task HeartbeatLoopAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                // Every interval, or at once when a hub this one has not seen yet is asked about.
                await _beatNow.WaitAsync(Options.HeartbeatInterval, _stopping.Token).ConfigureAwait(false);
                try
                {
                    await BeatAsync().ConfigureAwait(false);
                }
                catch (HubException)
                {
                    // Redis is away; the connection's own events report it.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _heartbeat.ConfigureAwait(false);
        try
        {
            // Gone at once for the others' collectors, not three heartbeats later.
            await Connection.RunAsync(db => db.SortedSetRemoveAsync(_hubsKey, HubId)).ConfigureAwait(false);
        }
        catch (HubException)
        {
        }
        await Connection.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _beatNow.Dispose();
    }
}
