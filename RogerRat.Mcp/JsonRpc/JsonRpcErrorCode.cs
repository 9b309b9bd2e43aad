namespace RogerRat.Mcp.JsonRpc;

/// <summary>The JSON-RPC 2.0 error codes we send, in one place.</summary>
public static class JsonRpcErrorCode
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    /// <summary>MCP: a resource that does not exist.</summary>
    public const int ResourceNotFound = -32002;
}

/// <summary>A failure that becomes a JSON-RPC error object (never an HTTP 500).</summary>
public sealed class JsonRpcException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
