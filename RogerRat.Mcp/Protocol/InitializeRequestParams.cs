using System.Text.Json;

namespace RogerRat.Mcp.Protocol;

/// <summary>The params of <c>initialize</c>. Every member is optional here: a client that leaves one out still gets
/// a session (our latest version, no client capabilities).</summary>
internal sealed record InitializeRequestParams(string? ProtocolVersion, JsonElement? Capabilities, Implementation? ClientInfo);
