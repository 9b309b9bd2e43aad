using RogerRat.Core;

namespace RogerRat.Redis;

/// <summary>How a hub reaches the Redis it shares with other hubs (<c>--redis</c>, env <c>ROGERRAT_REDIS</c>).</summary>
internal sealed class RedisStoreOptions
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=…</c>.</summary>
    public required string Configuration { get; init; }

    /// <summary>The longest any one Redis call may take before the request answers 503 <c>store_unavailable</c>
    /// (default 1 s): a Redis that is down or stuck never hangs a request past it.</summary>
    public TimeSpan OperationTimeout { get; init => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(1);

    /// <summary>Every key this hub writes starts with it (default <c>rr:</c>), so one Redis can hold several hub groups.</summary>
    public string KeyPrefix { get; init => field = string.IsNullOrEmpty(value) ? throw new ArgumentOutOfRangeException(nameof(KeyPrefix), value, "must not be empty") : value; } = "rr:";

    /// <summary>How long a channel's write lease lives if its holder dies mid-write (default 2 s); a live holder releases
    /// it as soon as its write is in Redis.</summary>
    public TimeSpan WriteLeaseTimeout { get; init => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(2);
}
