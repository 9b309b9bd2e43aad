namespace RogerRat.Core;

/// <summary>Transcript policy (reference §5); stored now, acted on by the retention issue.</summary>
public enum Retention : byte { None, Metadata, Prompts, Full }

/// <summary>Advisory trust posture (reference §4.1).</summary>
public enum TrustMode : byte { Untrusted, Trusted }

/// <summary>A channel's persistent record (reference §1.1, plus <c>require_identity</c>).</summary>
public sealed class ChannelSettings
{
    public required string Id { get; init; }
    public required byte[] TokenHash { get; init; }
    public required long CreatedAt { get; init; }
    public Retention Retention { get; init; }
    public TrustMode TrustMode { get; init; }
    public required TimeSpan SessionTtl { get; init; }
    public bool IsBand { get; init; }
    public PasswordHash? OwnerPassword { get; init; }
    public bool RequireIdentity { get; init; }

    public static string Name(Retention r) => r switch
    {
        Retention.None => "none",
        Retention.Metadata => "metadata",
        Retention.Prompts => "prompts",
        _ => "full",
    };

    public static string Name(TrustMode t) => t == TrustMode.Trusted ? "trusted" : "untrusted";
}
