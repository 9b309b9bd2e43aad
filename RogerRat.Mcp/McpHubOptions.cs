using RogerRat.Core;

namespace RogerRat.Mcp;

/// <summary>Settings of the hub's MCP endpoints.</summary>
public sealed class McpHubOptions
{
    /// <summary>Most MCP sessions at once; past it initialize answers 503.</summary>
    public int MaxSessions { get; set => field = OptionGuard.Positive(value); } = 10_000;

    /// <summary>Idle lifetime of an MCP session (the channel session TTL's default).</summary>
    public TimeSpan SessionIdleLifetime { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromMinutes(30);

    /// <summary>Origins allowed besides the hub's own and loopback ones (<c>--allow-origin</c>).</summary>
    public List<string> AllowedOrigins { get; } = [];

    /// <summary>Batch and subscription limits of the MCP endpoints.</summary>
    public McpEndpointLimits Limits { get; } = new();
}
