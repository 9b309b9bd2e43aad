namespace RogerRat.Core;

/// <summary>Transcript policy (reference §5); stored now, acted on by the retention issue.</summary>
public enum Retention : byte
{
    /// <summary>No transcript (the default).</summary>
    None,
    /// <summary>Transcript of joins, leaves and per-message metadata (sender, recipient, size), without text.</summary>
    Metadata,
    /// <summary>Transcript of joins, leaves and the full text of each sender's first message only.</summary>
    Prompts,
    /// <summary>Transcript of joins, leaves and the full text of every normal message.</summary>
    Full,
}

/// <summary>Advisory trust posture (reference §4.1).</summary>
public enum TrustMode : byte
{
    /// <summary>The default, and every band's: join instructions tell agents to treat peers as strangers.</summary>
    Untrusted,
    /// <summary>Trusted posture; requires an owner password at creation and changes only the instructions agents get.</summary>
    Trusted,
}

/// <summary>A channel's persistent record (reference §1.1, plus <c>require_identity</c>).</summary>
public sealed class ChannelSettings
{
    /// <summary>The channel id (a band's name for a public band).</summary>
    public required string Id { get; init; }
    /// <summary>SHA-256 of the channel's join token; the plaintext token is never stored.</summary>
    public required byte[] TokenHash { get; init; }
    /// <summary>Creation time in Unix milliseconds.</summary>
    public required long CreatedAt { get; init; }
    /// <summary>The channel's transcript policy.</summary>
    public Retention Retention { get; init; }
    /// <summary>The channel's advisory trust posture.</summary>
    public TrustMode TrustMode { get; init; }
    /// <summary>How long a session may stay idle before the collector evicts it.</summary>
    public required TimeSpan SessionTtl { get; init; }
    /// <summary>True for a public band, which is open to anyone whatever the token.</summary>
    public bool IsBand { get; init; }
    /// <summary>The owner password's salted digest, or null when the channel has none.</summary>
    public PasswordHash? OwnerPassword { get; init; }
    /// <summary>True when each callsign is bound to the identity key minted at its first join, which later joins must present.</summary>
    public bool RequireIdentity { get; init; }

    /// <summary>The wire name of <paramref name="r"/>: <c>none</c>, <c>metadata</c>, <c>prompts</c> or <c>full</c>.</summary>
    public static string Name(Retention r) => r switch
    {
        Retention.None => "none",
        Retention.Metadata => "metadata",
        Retention.Prompts => "prompts",
        _ => "full",
    };

    /// <summary>The wire name of <paramref name="t"/>: <c>trusted</c> or <c>untrusted</c>.</summary>
    public static string Name(TrustMode t) => t == TrustMode.Trusted ? "trusted" : "untrusted";
}
