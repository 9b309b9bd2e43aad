namespace RogerRat.Core.Service;

/// <summary>Settings of the service layer both faces share. Every limit has its default here and nowhere else, and
/// checks its range where it is set (<see cref="OptionGuard"/>).</summary>
public sealed class HubServiceOptions
{
    /// <summary>Public origin used in every generated URL, e.g. <c>http://127.0.0.1:7424</c>.</summary>
    public string Origin { get; set; } = "http://127.0.0.1:7424";

    /// <summary>Service version shown by discovery documents and MCP <c>serverInfo</c>.</summary>
    public string Version { get; set; } = "0.1.0";

    /// <summary>Hub-wide token (<c>--token</c>): when set it guards creation, every <c>/api/*</c> route but discovery and
    /// health, and MCP. Sent as <c>X-RogerRat-Token</c>, or as the bearer where no channel token is due.</summary>
    public string? HubToken { get; set; }

    /// <summary>Admin token (<c>--admin-token</c>): enables <c>/api/admin/channels</c> and guards <c>/metrics</c>; null or
    /// empty disables the admin API (reference §9.1).</summary>
    public string? AdminToken { get; set => field = string.IsNullOrEmpty(value) ? null : value; }

    /// <summary>Rate limits per client address; <see cref="RateLimits.None"/> on a loopback-only hub by default.</summary>
    public RateLimits RateLimits { get; set; } = RateLimits.None;

    /// <summary>Default listen timeout, seconds (reference: 30).</summary>
    public double ListenDefaultSeconds { get; set => field = OptionGuard.PositiveSeconds(value); } = 30;

    /// <summary>Longest listen, seconds (reference: 60).</summary>
    public double ListenMaxSeconds { get; set => field = OptionGuard.PositiveSeconds(value); } = 60;

    /// <summary>Default wait timeout, seconds (reference: 120).</summary>
    public double WaitDefaultSeconds { get; set => field = OptionGuard.PositiveSeconds(value); } = 120;

    /// <summary>Longest wait, seconds (reference: 300).</summary>
    public double WaitMaxSeconds { get; set => field = OptionGuard.PositiveSeconds(value); } = 300;

    /// <summary>Seconds between the <c>: ping</c> comments of an idle SSE stream (reference: 25); also how long each of
    /// its parked listens waits.</summary>
    public double StreamPingSeconds { get; set => field = OptionGuard.PositiveSeconds(value); } = 25;

    /// <summary>Default <c>n</c> of history (reference: 20).</summary>
    public int HistoryDefault { get; set => field = OptionGuard.Positive(value); } = 20;

    /// <summary>Largest <c>n</c> of history (reference: 100); the ring's capacity bounds it too.</summary>
    public int HistoryMax { get; set => field = OptionGuard.Positive(value); } = 100;

    /// <summary>Without a transcript store (no <c>--data-dir</c>), the events each channel keeps in memory; beyond it the
    /// oldest are dropped and counted (default 1,000: a hub of many channels stays bounded).</summary>
    public int TranscriptEventsInMemory { get; set => field = OptionGuard.Positive(value); } = 1_000;

    /// <summary>Default <c>limit</c> of a transcript read (reference: 1,000).</summary>
    public int TranscriptLimitDefault { get; set => field = OptionGuard.Positive(value); } = 1_000;

    /// <summary>Largest <c>limit</c> of a transcript read (reference: 10,000).</summary>
    public int TranscriptLimitMax { get; set => field = OptionGuard.Positive(value); } = 10_000;
}

/// <summary>Per-address limits per sliding minute; 0 = unlimited.</summary>
public sealed record RateLimits(int SendsPerMinute, int BandSendsPerMinute, int CreatesPerMinute, int JoinsPerMinute)
{
    /// <summary>A loopback-only hub: no limits.</summary>
    public static RateLimits None { get; } = new(0, 0, 0, 0);

    /// <summary>A hub reachable from the network: the original's send limits (60, bands 10) plus creation and join limits.</summary>
    public static RateLimits Public { get; } = new(60, 10, 20, 120);
}
