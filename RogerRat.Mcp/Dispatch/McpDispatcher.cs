using Microsoft.Extensions.Logging;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Mcp;

/// <summary>
/// What a message on a session does, the same whether it came alone or in a batch: a request is answered through
/// <see cref="McpMethodTable"/>, a client's response completes the server request it answers, a notification is
/// taken as is. Every failure of a method is its JSON-RPC error response, never an exception out of here.
/// </summary>
internal static class McpDispatcher
{
    /// <summary>Takes a notification or a client response, which get no answer.</summary>
    public static void Accept(McpSession session, JsonRpcMessage message)
    {
        if (message.Kind == JsonRpcKind.Response) session.TryCompleteClientRequest(message);
    }

    public static ValueTask<McpAnswer> DispatchAsync(McpRequest request)
    {
        ValueTask<McpAnswer> answer;
        try
        {
            answer = Start(request);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new(Failure(request, e));
        }
        return answer.IsCompletedSuccessfully ? answer : AwaitAsync(answer, request);
    }

    private static ValueTask<McpAnswer> Start(McpRequest request)
    {
        var m = request.Message;
        if (!McpMethodTable.TryFind(m.Method, out var method))
            return new(McpErrors.Answer(McpErrorKind.MethodNotFound, m.Id, $"method not found: {m.Method}"));
        // Only a batch gets here with initialize: a lone one opens its session in the transport.
        if (method.Handler is null)
            return new(McpErrors.Answer(McpErrorKind.InvalidRequest, m.Id, $"{m.Method} cannot be batched"));
        return method.Handler(request);
    }

    private static async ValueTask<McpAnswer> AwaitAsync(ValueTask<McpAnswer> answer, McpRequest request)
    {
        try
        {
            return await answer.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failure(request, e);
        }
    }

    private static McpAnswer Failure(McpRequest request, Exception e)
    {
        if (e is JsonRpcException rpc) return McpErrors.Answer(rpc, request.Message.Id);
        // An unexpected failure is ours, not the client's: log it, and tell the client no more than that.
        request.Logger.LogError(e, "MCP {Method} failed", request.Message.Method);
        return McpErrors.Answer(McpErrorKind.InternalError, request.Message.Id, "internal error");
    }
}
