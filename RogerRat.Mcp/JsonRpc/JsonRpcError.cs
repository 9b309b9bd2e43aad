namespace RogerRat.Mcp.JsonRpc;

/// <summary>The <c>error</c> member of a JSON-RPC error response.</summary>
internal sealed record JsonRpcError(int Code, string Message);
