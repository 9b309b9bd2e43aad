namespace RogerRat.Mcp.JsonRpc;

/// <summary>A failure that becomes a JSON-RPC error object (never an HTTP 500). A tool may throw one to answer its
/// call with a protocol error instead of an <c>isError</c> result.</summary>
internal sealed class JsonRpcException : Exception
{
    public JsonRpcException(int code, string message) : base(message)
    {
        Code = code;
        Kind = McpErrors.KindOf(code);
    }

    internal JsonRpcException(McpErrorKind kind, string message) : base(message)
    {
        Code = McpErrors.Code(kind);
        Kind = kind;
    }

    public int Code { get; }

    internal McpErrorKind Kind { get; }
}
