using RogerRat.Core;

namespace RogerRat.Redis;

/// <summary>How a hub reaches the Redis it shares with other hubs (<c>--redis</c>, env <c>ROGERRAT_REDIS</c>), and the
/// limits of that sharing. Config section <c>Redis</c>.</summary>
internal sealed class RedisStoreOptions
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379,password=…</c> (<c>--redis</c>).</summary>
    public string Configuration { get; set; } = "";

    /// <summary>The longest any one Redis call may take, waits for a channel's write lease included, before the request
    /// answers 503 <c>store_unavailable</c> (default 1 s): a Redis that is down or stuck never hangs a request past it.</summary>
    public TimeSpan OperationTimeout { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(1);

    /// <summary>Every key this hub writes starts with it (default <c>rr:</c>), so one Redis can hold several hub groups.</summary>
    public string KeyPrefix
    {
        get;
        set => field = string.IsNullOrEmpty(value) || value.Contains('{') || value.Contains('}')
            ? throw new ArgumentOutOfRangeException(nameof(KeyPrefix), value, "must be non-empty, without braces")
            : value;
    } = "rr:";

    /// <summary>How long a channel's write lease lives if its holder dies mid-write (default 2 s); a live hub holds it
    /// only for the round trips of one batch.</summary>
    public TimeSpan WriteLeaseTimeout { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(2);

    /// <summary>How long one hub may keep a channel's write lease across consecutive batches while its own writes queue
    /// (default 20 ms), before it lets another hub's writes in.</summary>
    public TimeSpan MaxLeaseHold { get; set => field = OptionGuard.NonNegative(value); } = TimeSpan.FromMilliseconds(20);

    /// <summary>Batches each channel's change log keeps (default 10,000, trimmed approximately): a hub further behind
    /// than this, or than <see cref="MaxCatchUp"/>, reloads the whole channel instead.</summary>
    public int ChangeLogLength { get; set => field = OptionGuard.InRange(value, 100, 10_000_000); } = 10_000;

    /// <summary>Batches one catch-up reads at most (default 1,000); further behind, the hub reloads the channel.</summary>
    public int MaxCatchUp { get; set => field = OptionGuard.InRange(value, 1, 1_000_000); } = 1_000;

    /// <summary>How often a hub tells the others it is alive (default 1 s).</summary>
    public TimeSpan HeartbeatInterval { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(1);

    /// <summary>How long a hub may stay silent before the others count it as gone (default 10 s): then the delivery it
    /// was writing is handed out again by whichever hub the client turns to, and the sessions parked on it are no
    /// longer spared by the collectors. Long enough that a hub merely slowed down (a pause, a starved CPU) is not taken
    /// for dead, which would hand its delivery out twice.</summary>
    public TimeSpan HubTimeout { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(10);

    /// <summary>How long a hub stays subscribed to a channel's wake-ups after its last parked listen there ended
    /// (default 10 s), so that a poller's next listen finds the subscription in place.</summary>
    public TimeSpan WatchLinger { get; set => field = OptionGuard.NonNegative(value); } = TimeSpan.FromSeconds(10);
}
