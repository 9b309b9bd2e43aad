using Microsoft.Extensions.Logging;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Mcp;

/// <summary>One JSON-RPC request on a session, with what its method may need to answer it.</summary>
internal sealed class McpRequest
{
    public required McpServerDefinition Definition { get; init; }
    public required McpSession Session { get; init; }
    public required JsonRpcMessage Message { get; init; }
    /// <summary>Cancelled when the client goes away.</summary>
    public required CancellationToken Aborted { get; init; }
    /// <summary>The event stream the request is answered on, when it is (progress, logs, requests to the client).</summary>
    public CallStream? Stream { get; init; }
    /// <summary>The client's address, for per-address rate limits.</summary>
    public required string Client { get; init; }
    public required McpEndpointLimits Limits { get; init; }
    public required ILogger Logger { get; init; }
    /// <summary>Counts a refusal by its reason (a tool's hub refusal: its catalogue code).</summary>
    public Action<string>? Rejected { get; init; }
}
