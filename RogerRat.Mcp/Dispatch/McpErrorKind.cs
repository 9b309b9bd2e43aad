namespace RogerRat.Mcp;

/// <summary>Why a POST, DELETE or method is answered with a JSON-RPC error; <see cref="McpErrors"/> gives each its
/// code and HTTP status.</summary>
internal enum McpErrorKind
{
    /// <summary>The body is not JSON.</summary>
    ParseError,
    /// <summary>The JSON is not a valid JSON-RPC message, or not one we take here (batch, initialize, protocol version).</summary>
    InvalidRequest,
    MethodNotFound,
    InvalidParams,
    InternalError,
    /// <summary>MCP: resources/read of a URI we do not have.</summary>
    ResourceNotFound,
    /// <summary>A code a tool or definition chose itself (a <see cref="JsonRpc.JsonRpcException"/> with another code).</summary>
    ServerDefined,
    /// <summary>No Mcp-Session-Id on a message that needs a session.</summary>
    SessionRequired,
    /// <summary>An Mcp-Session-Id we do not know (never minted, expired, deleted, or another endpoint's).</summary>
    UnknownSession,
    /// <summary>The Accept header allows neither JSON nor an event stream.</summary>
    NotAcceptable,
    /// <summary>An HTTP method the endpoint does not serve (GET: we open no server-initiated stream).</summary>
    HttpMethodNotAllowed,
    /// <summary>initialize while the session store is full.</summary>
    TooManySessions,
}
