using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Http.Server;

namespace RogerRat.Mcp;

/// <summary>
/// MCP over Streamable HTTP for one <see cref="McpServerDefinition"/>, mounted on any RogerRat.Http route: POST
/// carries JSON-RPC, DELETE ends the session, GET is 405. Every malformed input is a JSON-RPC error, never a 500.
/// </summary>
/// <param name="sessions">Where sessions are minted, found and expired.</param>
/// <param name="logger">Where failures are logged.</param>
/// <param name="clientOf">The client's address for rate limits (default: the socket's).</param>
/// <param name="limits">Batch and subscription limits (defaults: <see cref="McpEndpointLimits"/>).</param>
/// <param name="onSessionDeleted">Called when a client ends its session with DELETE (the hub leaves the channel the
/// session joined, so its callsign goes offline and its parked listen answers at once).</param>
/// <param name="rejected">Called with the reason of every refusal: a JSON-RPC error (<c>mcp_parse_error</c>,
/// <c>mcp_unknown_session</c>, …) or a tool's hub refusal (its catalogue code); the hub counts them.</param>
internal sealed class McpEndpoint(McpSessionStore sessions, ILogger? logger = null, Func<HttpContext, string>? clientOf = null,
    McpEndpointLimits? limits = null, Func<McpSession, ValueTask>? onSessionDeleted = null, Action<string>? rejected = null)
{
    private readonly StreamableHttpTransport _transport =
        new(sessions, logger ?? NullLogger.Instance, clientOf, limits ?? new McpEndpointLimits(), onSessionDeleted, rejected);

    /// <summary>Serves one HTTP request for the endpoint named <paramref name="endpoint"/> ("" = unified).</summary>
    public ValueTask HandleAsync(HttpContext context, McpServerDefinition definition, string endpoint) =>
        _transport.HandleAsync(context, definition, endpoint);

    /// <summary>Progress every 15 s while a long call waits, so clients with 60 s request timeouts stay alive.</summary>
    public static Task KeepReportingAsync(McpCallContext call, Task until) => McpToolCall.KeepReportingAsync(call, until);
}
