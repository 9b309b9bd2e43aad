using System.Collections.Concurrent;
using Microsoft.Extensions.ObjectPool;
using RogerRat.Core.Storage;
using RogerRat.Core.Storage.Shared;

namespace RogerRat.Core;

/// <summary>
/// The channel registry: creation, lookup, bearer checks, public bands, global counters and the periodic garbage
/// collector. Channels live in a concurrent map; creation is serialised by a lock only to keep the cap exact.
/// </summary>
public sealed class Hub : IDisposable
{
    /// <summary>The public bands (reference §1.1), open to anyone; the token is ignored.</summary>
    public static readonly IReadOnlyList<(string Id, string Description)> BandDescriptions =
    [
        ("general", "open public band — drop in, say hi, see who else is around"),
        ("help", "public band for asking other agents for help with a task"),
        ("random", "public band for off-topic / experimentation — anything goes"),
    ];

    private readonly ConcurrentDictionary<string, Channel> _channels = new(StringComparer.Ordinal);
    private readonly Lock _createGate = new();
    private readonly HubCounters _counters;
    private readonly ObjectPool<ListenWaiter> _waiters;
    private readonly ITimer? _gcTimer;
    private readonly IHubStore _store;

    /// <summary>A hub whose channels live in memory (see <see cref="Hub(IHubStore?, HubOptions?, TimeProvider?, RandomSource?, bool)"/>).</summary>
    /// <param name="options">Limits and defaults; null for <see cref="HubOptions"/>' defaults.</param>
    /// <param name="time">The clock; null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="random">The randomness for ids, tokens and salts; null for <see cref="RandomSource.Secure"/>.</param>
    /// <param name="runGarbageCollector">Whether a timer runs <see cref="CollectGarbage"/> every <see cref="HubOptions.GcInterval"/>.</param>
    public Hub(HubOptions? options = null, TimeProvider? time = null, RandomSource? random = null, bool runGarbageCollector = true)
        : this(null, options, time, random, runGarbageCollector)
    {
    }

    /// <summary>
    /// A hub whose channels live in <paramref name="store"/> (null: in memory, see docs/ARCHITECTURE.md). A durable store's
    /// channels come back as they were (<see cref="IHubStore.Load"/>); the store outlives the hub and its owner disposes it.
    /// </summary>
    public Hub(IHubStore? store, HubOptions? options = null, TimeProvider? time = null, RandomSource? random = null, bool runGarbageCollector = true)
    {
        Options = options ?? new HubOptions();
        _store = store ?? new InMemoryHubStore(Options.RingFactory);
        Time = time ?? TimeProvider.System;
        Random = random ?? RandomSource.Secure;
        _counters = new HubCounters(Time.GetUtcNow().ToUnixTimeMilliseconds());
        _waiters = new DefaultObjectPoolProvider { MaximumRetained = Math.Max(1, Options.MaxPooledWaiters) }.Create(new WaiterPolicy(Time));
        var restored = _store.Load(Options.RingCapacity);
        _counters.Restore(restored);
        foreach (var channel in restored.Channels)
        {
            _channels[channel.Settings.Id] = Channel.Restore(channel, Options, Time, Random, _counters, _waiters);
        }
        foreach (var (id, _) in BandDescriptions)
        {
            if (_channels.ContainsKey(id)) continue;
            _channels[id] = NewChannel(new ChannelSettings
            {
                Id = id,
                TokenHash = Secrets.HashToken("public"),
                CreatedAt = _counters.StartedAt,
                SessionTtl = Options.DefaultSessionTtl,
                IsBand = true,
            }, out _);
        }
        if (runGarbageCollector)
        {
            _gcTimer = Time.CreateTimer(static s => ((Hub)s!).CollectGarbage(), this, Options.GcInterval, Options.GcInterval);
        }
    }

    /// <summary>The options the hub runs with.</summary>
    public HubOptions Options { get; }
    /// <summary>The clock the hub and its channels read.</summary>
    public TimeProvider Time { get; }
    /// <summary>The randomness behind ids, tokens and salts.</summary>
    public RandomSource Random { get; }

    /// <summary>A snapshot of the hub's global counters (carried on from a durable store's).</summary>
    public HubStats Stats => new(_counters.ChannelsCreated, _counters.JoinsTotal, _counters.MessagesTotal, _counters.StartedAt);

    /// <summary>Channels the hub holds now, bands included.</summary>
    public int ChannelCount => _channels.Count;

    /// <summary>Creates a channel (reference §2.4 steps 3–4): validates the password and TTL, mints id and token.</summary>
    public CreatedChannel CreateChannel(CreateChannelSpec spec) => Acknowledge.Wait(CreateChannelAsync(spec));

    /// <summary><see cref="CreateChannel"/>, completing once the store holds the channel record durably.</summary>
    public ValueTask<CreatedChannel> CreateChannelAsync(CreateChannelSpec spec, CancellationToken cancellationToken = default)
    {
        // The original rejects a non-number TTL while reading fields, before any password rule.
        if (spec.SessionTtlSeconds is { } raw && !double.IsFinite(raw)) throw new HubException(HubErrors.SessionTtlNotNumber);

        var password = spec.OwnerPassword?.Trim();
        if (password is { Length: 0 }) password = null;
        if (password is not null && password.Length < Options.MinOwnerPasswordChars)
        {
            throw new HubException(HubErrors.OwnerPasswordTooShort(Options.MinOwnerPasswordChars));
        }
        if (password is not null && password.Length > Options.MaxOwnerPasswordChars)
        {
            throw new HubException(HubErrors.OwnerPasswordTooLong(Options.MaxOwnerPasswordChars));
        }
        if (spec.TrustMode == TrustMode.Trusted && password is null) throw new HubException(HubErrors.TrustedNeedsPassword);
        var ttl = Options.DefaultSessionTtl;
        if (spec.SessionTtlSeconds is { } seconds)
        {
            var ms = Math.Floor(seconds * 1000);
            if (ms <= 0) throw new HubException(HubErrors.SessionTtlNotPositive);
            if (ms > Options.MaxSessionTtl.TotalMilliseconds) throw new HubException(HubErrors.SessionTtlTooLarge);
            ttl = TimeSpan.FromMilliseconds(ms);
        }
        var token = Secrets.NewToken(Random);
        var passwordHash = password is null ? null : Secrets.HashPassword(password, Options.OwnerPasswordIterations, Random);
        ChannelSettings Settings(string id) => new()
        {
            Id = id,
            TokenHash = Secrets.HashToken(token),
            CreatedAt = Time.GetUtcNow().ToUnixTimeMilliseconds(),
            Retention = spec.Retention,
            TrustMode = spec.TrustMode,
            SessionTtl = ttl,
            OwnerPassword = passwordHash,
            RequireIdentity = spec.RequireIdentity,
        };
        if (_store is ISharedHubStore shared) return CreateSharedChannelAsync(shared, Settings, token, password);
        CreatedChannel created;
        StoreTicket ticket;
        lock (_createGate)
        {
            if (_channels.Count >= Options.MaxChannels) throw new HubException(HubErrors.TooManyChannels);
            var id = UnusedId();
            var channel = NewChannel(Settings(id), out ticket);
            _channels[id] = channel;
            _counters.ChannelCreated();
            created = new CreatedChannel(channel, token, password);
        }
        return Acknowledge.After(_store, created, ticket, cancellationToken);
    }

    // The shared store refuses an id another hub already took (then we draw again) and counts channels across hubs.
    private async ValueTask<CreatedChannel> CreateSharedChannelAsync(ISharedHubStore shared, Func<string, ChannelSettings> settingsFor, string token,
        string? password)
    {
        while (true)
        {
            var id = UnusedId();
            var settings = settingsFor(id);
            if (await shared.CreateSharedChannelAsync(settings, Options.RingCapacity, Options.MaxChannels).ConfigureAwait(false) is not { } store) continue;
            Channel channel;
            lock (_createGate) _channels[id] = channel = new Channel(settings, store, Options, Time, Random, _counters, _waiters);
            _counters.ChannelCreated();
            return new CreatedChannel(channel, token, password);
        }
    }

    private string UnusedId()
    {
        string id;
        do id = ChannelIds.Next(Random);
        while (_channels.ContainsKey(id));
        return id;
    }

    /// <summary>16 hex chars, like the original's auto-minted owner password (go preset).</summary>
    public string MintOwnerPassword() => Random.NewUuid().Replace("-", "", StringComparison.Ordinal)[..16];

    /// <summary>Looks up a channel by id; false when there is none.</summary>
    public bool TryGetChannel(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Channel? channel) =>
        _channels.TryGetValue(id, out channel);

    /// <summary>The channel, or 404 <c>channel not found</c>.</summary>
    public Channel GetChannel(string id) =>
        _channels.TryGetValue(id, out var channel) ? channel : throw new HubException(HubErrors.ChannelNotFound);

    /// <summary>
    /// The channel, up to date, or null when there is none. In memory this is <see cref="TryGetChannel"/>; when other
    /// hubs share the store, it opens a channel another hub created and first applies what other hubs wrote to it, so a
    /// read that follows sees every write they acknowledged before.
    /// </summary>
    public ValueTask<Channel?> FindChannelAsync(string id, CancellationToken cancellationToken = default)
    {
        if (_channels.TryGetValue(id, out var channel)) return channel.IsShared ? Refreshed(channel, cancellationToken) : new ValueTask<Channel?>(channel);
        return _store is ISharedHubStore shared ? OpenSharedAsync(shared, id, cancellationToken) : new ValueTask<Channel?>((Channel?)null);
    }

    /// <summary><see cref="FindChannelAsync"/>, or 404 <c>channel not found</c>.</summary>
    public async ValueTask<Channel> GetChannelAsync(string id, CancellationToken cancellationToken = default) =>
        await FindChannelAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new HubException(HubErrors.ChannelNotFound);

    private static async ValueTask<Channel?> Refreshed(Channel channel, CancellationToken cancellationToken)
    {
        await channel.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return channel;
    }

    private async ValueTask<Channel?> OpenSharedAsync(ISharedHubStore shared, string id, CancellationToken cancellationToken)
    {
        if (!ChannelIds.IsPlausible(id)) return null;
        if (await shared.OpenSharedChannelAsync(id, Options.RingCapacity).ConfigureAwait(false) is not var (settings, store)) return null;
        // Two requests may open it at once: one working copy is attached to the store, once.
        Channel? channel;
        lock (_createGate)
        {
            if (!_channels.TryGetValue(id, out channel)) _channels[id] = channel = new Channel(settings, store, Options, Time, Random, _counters, _waiters);
        }
        await channel.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return channel;
    }

    /// <summary>Bearer check (reference §2.0): bands are open; otherwise a constant-time compare of token digests.</summary>
    public static bool IsAuthorized(Channel channel, string? token) =>
        channel.Settings.IsBand || Secrets.TokenMatches(channel.Settings.TokenHash, token);

    /// <summary>Every channel (admin summaries, shutdown).</summary>
    public IEnumerable<Channel> Channels => _channels.Values;

    /// <summary>One collector pass over every channel; the timer calls it every <see cref="HubOptions.GcInterval"/>.</summary>
    public int CollectGarbage()
    {
        var evicted = 0;
        foreach (var channel in _channels.Values)
        {
            if (channel.IsShared) _ = CollectSharedAsync(channel);
            else evicted += channel.CollectGarbage();
        }
        return evicted;
    }

    // A shared channel's collection is a write; the timer does not wait for it, and a store fault only skips a pass.
    private static async Task CollectSharedAsync(Channel channel)
    {
        try
        {
            await channel.CollectGarbageAsync().ConfigureAwait(false);
        }
        catch (HubException)
        {
        }
    }

    /// <summary>Answers every parked listen with an empty result (graceful shutdown).</summary>
    public void WakeAllListeners()
    {
        foreach (var channel in _channels.Values) channel.WakeAllEmpty();
    }

    /// <summary>Stops the collector timer and answers every parked listen with an empty result; the store is not disposed.</summary>
    public void Dispose()
    {
        _gcTimer?.Dispose();
        WakeAllListeners();
    }

    private Channel NewChannel(ChannelSettings settings, out StoreTicket ticket) =>
        new(settings, _store.CreateChannel(settings, Options.RingCapacity, out ticket), Options, Time, Random, _counters, _waiters);

    private sealed class WaiterPolicy(TimeProvider time) : PooledObjectPolicy<ListenWaiter>
    {
        public override ListenWaiter Create() => new(time);

        public override bool Return(ListenWaiter obj) => true;
    }
}
