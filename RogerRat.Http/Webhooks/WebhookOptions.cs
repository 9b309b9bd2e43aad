using RogerRat.Core;

namespace RogerRat.Http.Webhooks;

/// <summary>
/// Outbound webhooks (PROTOCOL §4): delivery timing, queue and registration limits, and the SSRF switch. Defaults are
/// the contract's (10 s per attempt, 3 retries backing off 1 s, 4 s, 16 s); tests shrink them.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>Deliver to loopback, link-local and private addresses too (<c>--allow-private-webhooks</c>). Off by default:
    /// a channel's bearer must not be able to make the hub probe its own network.</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Webhooks one channel may hold. Default 10.</summary>
    public int MaxWebhooksPerChannel { get; set => field = OptionGuard.InRange(value, 1, 1000); } = 10;

    /// <summary>How long one POST may take, connect to response headers. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts after the first before a message is recorded as failed. Default 3.</summary>
    public int Retries { get; set => field = OptionGuard.InRange(value, 0, 10); } = 3;

    /// <summary>The wait before the first retry. Default 1 s.</summary>
    public TimeSpan FirstRetryDelay { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(1);

    /// <summary>Each further retry waits this many times longer than the one before. Default 4 (1 s, 4 s, 16 s).</summary>
    public int BackoffMultiplier { get; set => field = OptionGuard.InRange(value, 1, 16); } = 4;

    /// <summary>Messages queued per webhook while its receiver is slow or down; past it the oldest is dropped and counted
    /// as a gap. Default 1000.</summary>
    public int QueueCapacity { get; set => field = OptionGuard.InRange(value, 1, 1_000_000); } = 1000;

    /// <summary>Longest accepted webhook URL. Default 2048.</summary>
    public int MaxUrlLength { get; set => field = OptionGuard.InRange(value, 16, 65536); } = 2048;

    /// <summary>The wait before retry <paramref name="retry"/> (0-based).</summary>
    internal TimeSpan RetryDelay(int retry)
    {
        var delay = FirstRetryDelay;
        for (var i = 0; i < retry; i++) delay *= BackoffMultiplier;
        return delay;
    }
}
