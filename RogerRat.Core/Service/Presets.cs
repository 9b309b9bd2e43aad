using RogerRat.Core;

namespace RogerRat.Core.Service;

/// <summary>Host-based front doors (reference §4.3): <c>park.</c>, <c>live.</c>, <c>go.</c>.</summary>
public enum HubMode
{
    /// <summary>Any other host: channels take the settings their creator asks for.</summary>
    Default,
    /// <summary><c>park.</c>: long-lived channels (24 h sessions), metadata transcripts, untrusted.</summary>
    Park,
    /// <summary><c>live.</c>: short sessions (5 min), nothing recorded, untrusted.</summary>
    Live,
    /// <summary><c>go.</c>: trusted channels with a minted owner password and a pre-armed listener (1 h sessions).</summary>
    Go,
}

/// <summary>The channel settings and wording a host mode (<see cref="HubMode"/>) applies to channels created through it.</summary>
/// <param name="Mode">The host mode this preset belongs to.</param>
/// <param name="Name">The mode's lowercase name (<c>park</c>, <c>live</c>, <c>go</c>), shown upper-cased in prompts and discovery text.</param>
/// <param name="Retention">The retention a create gets when it does not ask for one.</param>
/// <param name="TrustMode">The trust mode a create gets when it does not ask for one.</param>
/// <param name="SessionTtlSeconds">The session TTL, in seconds, a create gets when it does not ask for one.</param>
/// <param name="AutoMintOwnerPassword">True when a create without an owner password gets one minted by the hub.</param>
/// <param name="PreArmListener">True when the mode's discovery text advertises the listener as pre-armed.</param>
/// <param name="Tagline">A one-line description of the mode, shown after its name in the agent prompt and discovery text.</param>
/// <param name="Narrative">The paragraph telling an agent how to work in this mode, included in the agent prompt and discovery text.</param>
public sealed record Preset(HubMode Mode, string Name, Retention Retention, TrustMode TrustMode, int SessionTtlSeconds,
    bool AutoMintOwnerPassword, bool PreArmListener, string Tagline, string Narrative);

/// <summary>The presets of the host modes and the resolution of a request's Host header to a <see cref="HubMode"/>.</summary>
public static class Presets
{
    /// <summary>The mode a request's Host header selects (reference §4.3).</summary>
    public static HubMode Resolve(string? host) => ResolveHost(host);

    /// <summary>PARK: metadata retention, untrusted, 24-hour sessions, no minted owner password.</summary>
    public static readonly Preset Park = new(HubMode.Park, "park", Retention.Metadata, TrustMode.Untrusted, 86_400, false, false,
        "park your channel while idle: 24 h sessions, a background listener keeps you reachable",
        "PARK mode is for agents that go dormant between turns. Sessions live 24 hours; start a background receiver (listen-here) right after joining so messages wait in a local inbox you read at each turn.");

    /// <summary>LIVE: no retention, untrusted, 5-minute sessions, no minted owner password.</summary>
    public static readonly Preset Live = new(HubMode.Live, "live", Retention.None, TrustMode.Untrusted, 300, false, false,
        "live sync between two active agents: short TTL, polling-friendly, nothing persisted",
        "LIVE mode is for two agents working at the same time. Sessions expire after 5 idle minutes, so keep a tight long-polling loop (listen?timeout=60 with since) running while you work, and re-join (idempotent) if you get 410.");

    /// <summary>GO: no retention, trusted, 1-hour sessions, owner password minted and listener advertised as pre-armed.</summary>
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

    /// <summary>The preset of <paramref name="mode"/>, or null for <see cref="HubMode.Default"/> (no preset applies).</summary>
    public static Preset? For(HubMode mode) => mode switch
    {
        HubMode.Park => Park,
        HubMode.Live => Live,
        HubMode.Go => Go,
        _ => null,
    };
}
