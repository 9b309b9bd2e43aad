using System.Net;

namespace RogerRat.Http.Api;

/// <summary>Settings of the REST face. Every limit has its default here and nowhere else.</summary>
public sealed class RestApiOptions
{
    /// <summary>Public origin used in every generated URL, e.g. <c>http://127.0.0.1:7424</c>.</summary>
    public string Origin { get; set; } = "http://127.0.0.1:7424";

    /// <summary>Hub-wide token (<c>--token</c>): when set it guards creation, every <c>/api/*</c> route but discovery and
    /// health, and MCP (PROTOCOL §2.1). Sent as <c>X-RogerRat-Token</c>, or as the bearer where no channel token is due.</summary>
    public string? HubToken { get; set; }

    /// <summary>Admin token (<c>--admin-token</c>); admin routes answer 403 without one.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Service version shown by discovery documents.</summary>
    public string Version { get; set; } = "0.1.0";

    /// <summary>Peers whose <c>X-Forwarded-For</c> names the client (<c>--trusted-proxy</c>); no other peer is believed.</summary>
    public List<IPAddress> TrustedProxies { get; } = [];

    /// <summary>Rate limits per client address; <see cref="RateLimits.None"/> on a loopback-only hub by default.</summary>
    public RateLimits RateLimits { get; set; } = RateLimits.None;

    /// <summary>Default <c>timeout</c> of <c>/listen</c>, seconds (reference: 30).</summary>
    public double ListenDefaultSeconds { get; set; } = 30;

    /// <summary>Longest <c>/listen</c>, seconds (reference: 60).</summary>
    public double ListenMaxSeconds { get; set; } = 60;

    /// <summary>Default <c>timeout</c> of <c>/wait</c>, seconds (reference: 120).</summary>
    public double WaitDefaultSeconds { get; set; } = 120;

    /// <summary>Longest <c>/wait</c>, seconds (reference: 300).</summary>
    public double WaitMaxSeconds { get; set; } = 300;

    /// <summary>Default and largest <c>n</c> of <c>/history</c> (reference: 20 and 100).</summary>
    public int HistoryDefault { get; set; } = 20;
}

/// <summary>Per-address limits per sliding minute; 0 = unlimited.</summary>
public sealed record RateLimits(int SendsPerMinute, int BandSendsPerMinute, int CreatesPerMinute, int JoinsPerMinute)
{
    /// <summary>A loopback-only hub: no limits (PROTOCOL §2.5).</summary>
    public static RateLimits None { get; } = new(0, 0, 0, 0);

    /// <summary>A hub reachable from the network: the original's send limits (60, bands 10) plus creation and join limits.</summary>
    public static RateLimits Public { get; } = new(60, 10, 20, 120);
}
