namespace RogerRat.Mcp.Protocol;

/// <summary>MCP <c>Implementation</c>: who a client or server says it is (<c>clientInfo</c>, <c>serverInfo</c>).</summary>
internal sealed record Implementation(string? Name, string? Version);
