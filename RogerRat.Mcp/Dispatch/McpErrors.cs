using System.Text.Json;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Mcp;

/// <summary>
/// The one map from an error's kind to its JSON-RPC code and the HTTP status of a response that carries only it.
/// Errors about a message we read and answered (unknown method, bad params) ride a 200, as any JSON-RPC response
/// does; errors about the HTTP exchange itself (no JSON, no session, wrong Accept) get the status that says so.
/// </summary>
internal static class McpErrors
{
    private static readonly (int Code, int Status)[] s_map = Build();

    private static (int, int)[] Build()
    {
        var map = new (int, int)[Enum.GetValues<McpErrorKind>().Length];
        map[(int)McpErrorKind.ParseError] = (JsonRpcErrorCode.ParseError, 400);
        map[(int)McpErrorKind.InvalidRequest] = (JsonRpcErrorCode.InvalidRequest, 400);
        map[(int)McpErrorKind.MethodNotFound] = (JsonRpcErrorCode.MethodNotFound, 200);
        map[(int)McpErrorKind.InvalidParams] = (JsonRpcErrorCode.InvalidParams, 200);
        map[(int)McpErrorKind.InternalError] = (JsonRpcErrorCode.InternalError, 200);
        map[(int)McpErrorKind.ResourceNotFound] = (JsonRpcErrorCode.ResourceNotFound, 200);
        map[(int)McpErrorKind.ServerDefined] = (JsonRpcErrorCode.ServerError, 200);
        map[(int)McpErrorKind.SessionRequired] = (JsonRpcErrorCode.InvalidRequest, 400);
        map[(int)McpErrorKind.UnknownSession] = (JsonRpcErrorCode.InvalidRequest, 404);
        map[(int)McpErrorKind.NotAcceptable] = (JsonRpcErrorCode.InvalidRequest, 406);
        map[(int)McpErrorKind.HttpMethodNotAllowed] = (JsonRpcErrorCode.ServerError, 405);
        map[(int)McpErrorKind.TooManySessions] = (JsonRpcErrorCode.InternalError, 503);
        return map;
    }

    public static int Code(McpErrorKind kind) => s_map[(int)kind].Code;

    public static int Status(McpErrorKind kind) => s_map[(int)kind].Status;

    /// <summary>The kind of an error raised with a bare code (a <see cref="JsonRpcException"/> from outside).</summary>
    public static McpErrorKind KindOf(int code) => code switch
    {
        JsonRpcErrorCode.ParseError => McpErrorKind.ParseError,
        JsonRpcErrorCode.InvalidRequest => McpErrorKind.InvalidRequest,
        JsonRpcErrorCode.MethodNotFound => McpErrorKind.MethodNotFound,
        JsonRpcErrorCode.InvalidParams => McpErrorKind.InvalidParams,
        JsonRpcErrorCode.InternalError => McpErrorKind.InternalError,
        JsonRpcErrorCode.ResourceNotFound => McpErrorKind.ResourceNotFound,
        _ => McpErrorKind.ServerDefined,
    };

    /// <summary>The error response for <paramref name="kind"/>, with the id answered as the message gave it.</summary>
    public static McpAnswer Answer(McpErrorKind kind, JsonElement id, string message) =>
        new(JsonRpcWriter.Error(id, Code(kind), message), Status(kind), Error: kind);

    public static McpAnswer Answer(JsonRpcException e, JsonElement id) => new(JsonRpcWriter.Error(id, e.Code, e.Message), Status(e.Kind), Error: e.Kind);

    private static readonly string[] s_reasons =
    [
        "mcp_parse_error", "mcp_invalid_request", "mcp_method_not_found", "mcp_invalid_params", "mcp_internal_error", "mcp_resource_not_found",
        "mcp_server_error", "mcp_session_required", "mcp_unknown_session", "mcp_not_acceptable", "mcp_method_not_allowed", "mcp_too_many_sessions",
    ];

    /// <summary>The <c>reason</c> tag a rejection of this kind is counted under (a fixed set, cached strings).</summary>
    public static string Reason(McpErrorKind kind) => s_reasons[(int)kind];
}
