using RogerRat.Core;
using StackExchange.Redis;

namespace RogerRat.Redis;

/// <summary>
/// The hub's subscriptions to channels' wake-ups: a channel is subscribed only while a listen or stream of this hub is
/// parked on it (and <see cref="RedisStoreOptions.WatchLinger"/> after the last one, so a poller's next listen finds it
/// in place). A watch completes only once Redis confirmed the subscription: a catch-up after it then misses nothing.
/// </summary>
internal sealed class RedisWatches(RedisConnection connection, RedisStoreOptions options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed class Entry(RedisChannelStore store)
    {
        public RedisChannelStore Store { get; } = store;
        public int Count;
        public Task? Subscribed;
        public ITimer? Linger;
    }

    /// <summary>Channels subscribed now (the linger included).</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    public async ValueTask<IDisposable> WatchAsync(RedisChannelStore store, CancellationToken cancellationToken)
    {
        Entry entry;
        Task subscribed;
        lock (_gate)
        {
            if (!_entries.TryGetValue(store.Keys.Wake, out entry!)) _entries[store.Keys.Wake] = entry = new Entry(store);
            entry.Count++;
            entry.Linger?.Dispose();
            entry.Linger = null;
            subscribed = entry.Subscribed ??= SubscribeAsync(store);
        }
        var handle = new Handle(this, entry);
        try
        {
            await subscribed.WaitAsync(options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            return handle;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lock (_gate)
            {
                // A failed subscription is tried again by the next watch.
                if (ReferenceEquals(entry.Subscribed, subscribed) && subscribed.IsCompleted) entry.Subscribed = null;
            }
            handle.Dispose();
            throw new HubException(HubErrors.StoreUnavailableError);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private Task SubscribeAsync(RedisChannelStore store) =>
        connection.Subscriber.SubscribeAsync(RedisChannel.Literal(store.Keys.Wake), (_, batch) => store.OnWake(batch));

    private void Release(Entry entry)
    {
        lock (_gate)
        {
            if (--entry.Count > 0) return;
            entry.Linger = TimeProvider.System.CreateTimer(static s =>
            {
                var (e, w) = ((Entry, RedisWatches))s!;
                w.Unsubscribe(e);
            }, (entry, this), options.WatchLinger, Timeout.InfiniteTimeSpan);
        }
    }

    private void Unsubscribe(Entry entry)
    {
        lock (_gate)
        {
            if (entry.Count > 0 || !_entries.Remove(entry.Store.Keys.Wake)) return;
            entry.Linger?.Dispose();
        }
        _ = UnsubscribeQuietlyAsync(entry.Store.Keys.Wake);
    }

    private async Task UnsubscribeQuietlyAsync(string wake)
    {
        try
        {
            await connection.Subscriber.UnsubscribeAsync(RedisChannel.Literal(wake)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The connection is gone, and its subscriptions with it.
        }
    }

    private sealed class Handle(RedisWatches watches, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) watches.Release(entry);
        }
    }
}
