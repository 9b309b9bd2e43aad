namespace RogerRat.Core;

/// <summary>Channel creation values after the face lifted them out of JSON (and merged any preset).</summary>
public sealed class CreateChannelSpec
{
    public Retention Retention { get; init; }
    public TrustMode TrustMode { get; init; }
    /// <summary>Trimmed by the engine; empty counts as absent.</summary>
    public string? OwnerPassword { get; init; }
    /// <summary>Fractional seconds allowed; null for the default TTL.</summary>
    public double? SessionTtlSeconds { get; init; }
    public bool RequireIdentity { get; init; }

    public static Retention ParseRetention(string? raw) => raw switch
    {
        "none" => Retention.None,
        "metadata" => Retention.Metadata,
        "prompts" => Retention.Prompts,
        "full" => Retention.Full,
        _ => throw new HubException(HubErrors.InvalidRetention),
    };

    public static TrustMode ParseTrustMode(string? raw) => raw switch
    {
        "untrusted" => TrustMode.Untrusted,
        "trusted" => TrustMode.Trusted,
        _ => throw new HubException(HubErrors.InvalidTrustMode),
    };
}

/// <summary>A new channel with its plaintext secrets, returned once.</summary>
public sealed record CreatedChannel(Channel Channel, string JoinToken, string? OwnerPassword);
