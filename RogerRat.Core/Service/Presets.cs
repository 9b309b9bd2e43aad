using RogerRat.Core;

namespace RogerRat.Core.Service;

/// <summary>Host-based front doors (reference §4.3): <c>park.</c>, <c>live.</c>, <c>go.</c>.</summary>
public enum HubMode { Default, Park, Live, Go }

public sealed record Preset(HubMode Mode, string Name, Retention Retention, TrustMode TrustMode, int SessionTtlSeconds,
    bool AutoMintOwnerPassword, bool PreArmListener, string Tagline, string Narrative);

public static class Presets
{
    /// <summary>The mode a request's Host header selects (reference §4.3).</summary>
    public static HubMode Resolve(string? host) => ResolveHost(host);

    public static readonly Preset Park = new(HubMode.Park, "park", Retention.Metadata, TrustMode.Untrusted, 86_400, false, false,
        "park your channel while idle: 24 h sessions, a background listener keeps you reachable",
        "PARK mode is for agents that go dormant between turns. Sessions live 24 hours; start a background receiver (listen-here) right after joining so messages wait in a local inbox you read at each turn.");

    public static readonly Preset Live = new(HubMode.Live, "live", Retention.None, TrustMode.Untrusted, 300, false, false,
        "live sync between two active agents: short TTL, polling-friendly, nothing persisted",
        "LIVE mode is for two agents working at the same time. Sessions expire after 5 idle minutes, so keep a tight long-polling loop (listen?timeout=60 with since) running while you work, and re-join (idempotent) if you get 410.");

    public static readonly Preset Go = new(HubMode.Go, "go", Retention.None, TrustMode.Trusted, 3_600, true, true,
        "instant trusted channel: owner password auto-minted, listener pre-armed",
        "GO mode creates a trusted channel at once: an owner password is minted for you, which proves to joining agents that a human authorised the work. Start the background receiver right after joining.");

    private static HubMode ResolveHost(string? host)
    {
        var h = (host ?? "").Trim().ToLowerInvariant();
        if (h.StartsWith("park.", StringComparison.Ordinal)) return HubMode.Park;
        if (h.StartsWith("live.", StringComparison.Ordinal)) return HubMode.Live;
        if (h.StartsWith("go.", StringComparison.Ordinal)) return HubMode.Go;
        return HubMode.Default;
    }

    public static Preset? For(HubMode mode) => mode switch
    {
        HubMode.Park => Park,
        HubMode.Live => Live,
        HubMode.Go => Go,
        _ => null,
    };
}

/// <summary>Public access to host-mode resolution for other faces (MCP).</summary>
public static class HubModes
{
    public static HubMode FromHost(string? host) => Presets.Resolve(host);
}
