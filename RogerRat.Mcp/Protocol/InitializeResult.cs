namespace RogerRat.Mcp.Protocol;

/// <summary>The result of <c>initialize</c>.</summary>
internal sealed record InitializeResult(string ProtocolVersion, ServerCapabilities Capabilities, Implementation ServerInfo, string? Instructions);
