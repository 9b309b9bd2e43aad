using RogerRat.Core;
using StackExchange.Redis;

namespace RogerRat.Redis;

/// <summary>
/// The hub's one connection to Redis and the one place its faults become the hub's: every call is bounded by
/// <see cref="RedisStoreOptions.OperationTimeout"/>, and a Redis that is down, refusing or slow is
/// <see cref="HubErrorReason.StoreUnavailable"/> (503 <c>store_unavailable</c>), never a hang and never a 500. While the
/// connection is down a call fails at once (no backlog that outlives it); the client keeps reconnecting in the background
/// (<c>AbortOnConnectFail=false</c>), so the hub recovers by itself when Redis returns.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    private RedisConnection(ConnectionMultiplexer multiplexer, RedisStoreOptions options)
    {
        _multiplexer = multiplexer;
        Options = options;
        Database = multiplexer.GetDatabase();
    }

    public RedisStoreOptions Options { get; }

    public IDatabase Database { get; }

    public ISubscriber Subscriber => _multiplexer.GetSubscriber();

    /// <summary>True while the client holds a live connection.</summary>
    public bool IsConnected => _multiplexer.IsConnected;

    /// <summary>The connection to Redis broke: raised once per break, on a client thread.</summary>
    public event Action? Lost;

    /// <summary>The connection is back after a break.</summary>
    public event Action? Restored;

    /// <summary>Connects, or fails within the operation timeout with <see cref="HubErrorReason.StoreUnavailable"/>
    /// (a hub must not start on a Redis it cannot reach: its operator would only find out from the first 503).</summary>
    public static async Task<RedisConnection> ConnectAsync(RedisStoreOptions options)
    {
        ConfigurationOptions config;
        try
        {
            config = ConfigurationOptions.Parse(options.Configuration);
        }
        catch (ArgumentException e)
        {
            var problem = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new FormatException($"--redis: {problem}", e);
        }
        var timeout = (int)Math.Ceiling(options.OperationTimeout.TotalMilliseconds);
        config.AbortOnConnectFail = false;
        config.SyncTimeout = timeout;
        config.AsyncTimeout = timeout;
        config.ConnectTimeout = timeout;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(config).ConfigureAwait(false);
        var connection = new RedisConnection(multiplexer, options);
        if (!multiplexer.IsConnected)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new HubException(HubErrors.StoreUnavailableError with { Hint = $"could not connect to Redis within {timeout} ms" });
        }
        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive) connection.Lost?.Invoke();
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive) connection.Restored?.Invoke();
        };
        return connection;
    }

    /// <summary>Runs one Redis call; its faults and its timeout come back as <see cref="HubErrorReason.StoreUnavailable"/>.</summary>
    public async Task<T> RunAsync<T>(Func<IDatabase, Task<T>> call)
    {
        try
        {
            return await call(Database).WaitAsync(Options.OperationTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or TimeoutException || (e is RedisServerException && IsTransient(e.Message)))
        {
            LastFault = e.Message;
            throw new HubException(HubErrors.StoreUnavailableError);
        }
    }

    /// <summary>What the last failed call reported (for logs; never sent to a client, since it names the Redis endpoint).</summary>
    public string? LastFault { get; private set; }

    // A replica promoted, a Redis still loading its AOF, or one refusing writes after a failed save: all pass.
    private static bool IsTransient(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal) || message.StartsWith("MISCONF", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal) || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal) || message.StartsWith("BUSY", StringComparison.Ordinal);

    public async ValueTask DisposeAsync() => await _multiplexer.DisposeAsync().ConfigureAwait(false);
}
