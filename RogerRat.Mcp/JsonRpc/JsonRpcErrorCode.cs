namespace RogerRat.Mcp.JsonRpc;

/// <summary>The JSON-RPC 2.0 error codes we send; which failure gets which is decided in <see cref="McpErrors"/>.</summary>
internal static class JsonRpcErrorCode
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    /// <summary>MCP: a resource that does not exist.</summary>
    public const int ResourceNotFound = -32002;
    /// <summary>The implementation-defined server error (JSON-RPC reserves -32000 to -32099 for them).</summary>
    public const int ServerError = -32000;
}
