namespace RogerRat.Core;

/// <summary>Channel creation values after the face lifted them out of JSON (and merged any preset).</summary>
public sealed class CreateChannelSpec
{
    /// <summary>The transcript policy for the new channel.</summary>
    public Retention Retention { get; init; }
    /// <summary>The trust posture; <see cref="TrustMode.Trusted"/> requires an owner password.</summary>
    public TrustMode TrustMode { get; init; }
    /// <summary>Trimmed by the engine; empty counts as absent.</summary>
    public string? OwnerPassword { get; init; }
    /// <summary>Fractional seconds allowed; null for the default TTL.</summary>
    public double? SessionTtlSeconds { get; init; }
    /// <summary>Bind each callsign to an identity key (see <see cref="ChannelSettings.RequireIdentity"/>).</summary>
    public bool RequireIdentity { get; init; }

    /// <summary>Parses a wire retention name; anything else (including null) throws a <see cref="HubException"/> with <see cref="HubErrors.InvalidRetention"/>.</summary>
    public static Retention ParseRetention(string? raw) => raw switch
    {
        "none" => Retention.None,
        "metadata" => Retention.Metadata,
        "prompts" => Retention.Prompts,
        "full" => Retention.Full,
        _ => throw new HubException(HubErrors.InvalidRetention),
    };

    /// <summary>Parses a wire trust mode name; anything else (including null) throws a <see cref="HubException"/> with <see cref="HubErrors.InvalidTrustMode"/>.</summary>
    public static TrustMode ParseTrustMode(string? raw) => raw switch
    {
        "untrusted" => TrustMode.Untrusted,
        "trusted" => TrustMode.Trusted,
        _ => throw new HubException(HubErrors.InvalidTrustMode),
    };
}

/// <summary>A new channel with its plaintext secrets, returned once.</summary>
/// <param name="Channel">The new channel.</param>
/// <param name="JoinToken">The plaintext join token; only its hash is kept.</param>
/// <param name="OwnerPassword">The trimmed owner password, or null when the channel has none.</param>
public sealed record CreatedChannel(Channel Channel, string JoinToken, string? OwnerPassword);
