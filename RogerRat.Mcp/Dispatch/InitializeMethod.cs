using System.Text.Json;
using RogerRat.Mcp.JsonRpc;
using RogerRat.Mcp.Protocol;

namespace RogerRat.Mcp;

/// <summary><c>initialize</c>: negotiates the version and mints the session the rest of the conversation runs on.</summary>
internal static class InitializeMethod
{
    /// <summary>The answer to <paramref name="message"/>, and the session it opened (null when it opened none).</summary>
    public static (McpAnswer Answer, McpSession? Session, Implementation? Client) Open(McpSessionStore sessions, McpServerDefinition definition,
        string endpoint, JsonRpcMessage message)
    {
        InitializeRequestParams? p;
        try
        {
            p = message.Params.ValueKind == JsonValueKind.Undefined ? null : message.Params.Deserialize(McpJsonContext.Default.InitializeRequestParams);
        }
        catch (JsonException)
        {
            return (McpErrors.Answer(McpErrorKind.InvalidParams, message.Id, "invalid initialize params"), null, null);
        }
        var version = McpProtocol.Negotiate(p?.ProtocolVersion);
        var session = sessions.Create(endpoint, version);
        if (session is null) return (McpErrors.Answer(McpErrorKind.TooManySessions, message.Id, "too many MCP sessions; try again later"), null, null);
        session.ClientCapabilities = p?.Capabilities is { ValueKind: JsonValueKind.Object } capabilities ? capabilities.Clone() : default;
        var result = new InitializeResult(version, ServerCapabilities.Fixed, new Implementation(definition.Name, definition.Version),
            definition.Instructions?.Invoke(session));
        return (new McpAnswer(JsonRpcWriter.Result(message.Id, result, McpJsonContext.Default.InitializeResult)), session, p?.ClientInfo);
    }
}
