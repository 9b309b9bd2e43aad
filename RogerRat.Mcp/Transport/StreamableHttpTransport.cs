using System.Text.Json;
using Microsoft.Extensions.Logging;
using RogerRat.Core.Service;
using RogerRat.Http.Server;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Mcp;

/// <summary>
/// MCP Streamable HTTP: POST carries JSON-RPC (a JSON answer, or an event stream when the client only accepts that or
/// a long call reports progress), notifications and client responses get 202, GET is 405 (we open no
/// server-initiated stream), DELETE ends the session. It owns the HTTP side only: headers, sessions by id, framing;
/// what a message means is <see cref="McpDispatcher"/>'s.
/// </summary>
internal sealed class StreamableHttpTransport(McpSessionStore sessions, ILogger logger, Func<HttpContext, string>? clientOf,
    McpEndpointLimits limits, Func<McpSession, ValueTask>? onSessionDeleted, Action<string>? rejected = null)
{
    // The depth JSON-RPC params need in practice (tool arguments are shallow), far below what would strain the parser.
    private const int MaxJsonDepth = 64;

    public ValueTask HandleAsync(HttpContext context, McpServerDefinition definition, string endpoint) => context.Request.Method switch
    {
        "POST" => PostAsync(context, definition, endpoint),
        "DELETE" => DeleteAsync(context, endpoint),
        // The hub's router answers OPTIONS and methods no route maps; a GET reaches here only on a per-channel URL.
        _ => MethodNotAllowedAsync(context),
    };

    private async ValueTask PostAsync(HttpContext context, McpServerDefinition definition, string endpoint)
    {
        var request = context.Request;
        var accepted = AcceptedMedia.Of(request.Header("Accept"));
        if (!accepted.Any)
        {
            await WriteErrorAsync(context, McpErrorKind.NotAcceptable, "Accept must include application/json or text/event-stream").ConfigureAwait(false);
            return;
        }
        var versionHeader = request.Header("MCP-Protocol-Version");
        if (versionHeader is not null && !McpProtocol.IsSupported(versionHeader))
        {
            await WriteErrorAsync(context, McpErrorKind.InvalidRequest,
                $"unsupported MCP-Protocol-Version {versionHeader}; supported: {string.Join(", ", McpProtocol.Supported)}").ConfigureAwait(false);
            return;
        }

        JsonDocument document;
        try
        {
            document = StrictJson.Parse(request.Body, MaxJsonDepth);
        }
        catch (JsonException)
        {
            await WriteErrorAsync(context, McpErrorKind.ParseError, "parse error").ConfigureAwait(false);
            return;
        }
        using var _ = document;
        var root = document.RootElement;
        var sessionId = request.Header("Mcp-Session-Id");
        if (root.ValueKind == JsonValueKind.Array)
        {
            await BatchAsync(context, definition, endpoint, root, sessionId).ConfigureAwait(false);
            return;
        }

        JsonRpcMessage message;
        try
        {
            message = JsonRpcMessage.From(root);
        }
        catch (JsonRpcException e)
        {
            await WriteAsync(context, McpErrors.Answer(e, JsonRpcMessage.IdOf(root))).ConfigureAwait(false);
            return;
        }

        McpMethodTable.TryFind(message.Method, out var method);
        if (method is { OpensSession: true })
        {
            await OpenSessionAsync(context, definition, endpoint, message).ConfigureAwait(false);
            return;
        }
        if (sessionId is null && message.Kind == JsonRpcKind.Request && method is null)
        {
            // A newer client's probe (server/discover) must learn at once that we don't have it, then falls back.
            await WriteAsync(context, McpErrors.Answer(McpErrorKind.MethodNotFound, message.Id, $"method not found: {message.Method}")).ConfigureAwait(false);
            return;
        }
        if (sessionId is null)
        {
            await WriteErrorAsync(context, McpErrorKind.SessionRequired, "Mcp-Session-Id header required; call initialize first", message.Id).ConfigureAwait(false);
            return;
        }
        if (sessions.Find(sessionId, endpoint) is not { } session)
        {
            await WriteErrorAsync(context, McpErrorKind.UnknownSession, "unknown or expired session; initialize a new one", message.Id).ConfigureAwait(false);
            return;
        }
        if (message.Kind != JsonRpcKind.Request)
        {
            McpDispatcher.Accept(session, message);
            await WriteAcceptedAsync(context).ConfigureAwait(false);
            return;
        }

        var progressToken = CallStream.ProgressTokenOf(message);
        var streamIt = accepted.EventStream
            && (!accepted.Json || (method is { MayStream: true } && (progressToken.ValueKind != JsonValueKind.Undefined || definition.StreamToolCalls)));
        if (streamIt)
        {
            await StreamAsync(context, definition, session, message, progressToken).ConfigureAwait(false);
            return;
        }
        var answer = await McpDispatcher.DispatchAsync(Request(context, definition, session, message, stream: null)).ConfigureAwait(false);
        var delivered = await WriteAsync(context, answer).ConfigureAwait(false);
        if (answer.Written is { } written) await written(delivered).ConfigureAwait(false);
    }

    private async ValueTask OpenSessionAsync(HttpContext context, McpServerDefinition definition, string endpoint, JsonRpcMessage message)
    {
        if (message.Kind != JsonRpcKind.Request)
        {
            await WriteErrorAsync(context, McpErrorKind.InvalidRequest, $"{message.Method} must be a request").ConfigureAwait(false);
            return;
        }
        // A client-supplied Mcp-Session-Id is ignored: ids are minted here only (PROTOCOL §2.4).
        var (answer, session, client) = InitializeMethod.Open(sessions, definition, endpoint, message);
        if (session is not null)
        {
            context.Response.AddHeader("Mcp-Session-Id", session.Id);
            logger.LogDebug("MCP session {Session} initialized on {Endpoint} ({Version}) by {Client} {ClientVersion}", session.Id,
                endpoint.Length == 0 ? "/mcp" : endpoint, session.ProtocolVersion, client?.Name, client?.Version);
        }
        await WriteAsync(context, answer).ConfigureAwait(false);
    }

    private async ValueTask BatchAsync(HttpContext context, McpServerDefinition definition, string endpoint, JsonElement root, string? sessionId)
    {
        if (sessions.Find(sessionId, endpoint) is not { } session)
        {
            await WriteErrorAsync(context, sessionId is null ? McpErrorKind.SessionRequired : McpErrorKind.UnknownSession,
                "a batch needs an initialized session").ConfigureAwait(false);
            return;
        }
        var count = root.GetArrayLength();
        if (!McpProtocol.AllowsBatches(session.ProtocolVersion) || count == 0)
        {
            await WriteErrorAsync(context, McpErrorKind.InvalidRequest, $"JSON-RPC batches are not allowed in protocol {session.ProtocolVersion}").ConfigureAwait(false);
            return;
        }
        if (count > limits.MaxBatchSize)
        {
            await WriteErrorAsync(context, McpErrorKind.InvalidRequest, $"batch too large: {count} messages, at most {limits.MaxBatchSize}").ConfigureAwait(false);
            return;
        }
        var answers = new List<byte[]>(count);
        List<Func<bool, ValueTask>>? hooks = null;
        foreach (var item in root.EnumerateArray())
        {
            JsonRpcMessage message;
            try
            {
                message = JsonRpcMessage.From(item);
            }
            catch (JsonRpcException e)
            {
                answers.Add(Counted(McpErrors.Answer(e, JsonRpcMessage.IdOf(item))).Body);
                continue;
            }
            if (message.Kind != JsonRpcKind.Request)
            {
                McpDispatcher.Accept(session, message);
                continue;
            }
            var answer = await McpDispatcher.DispatchAsync(Request(context, definition, session, message, stream: null)).ConfigureAwait(false);
            answers.Add(Counted(answer).Body);
            if (answer.Written is not null) (hooks ??= []).Add(answer.Written);
        }
        if (answers.Count == 0)
        {
            await WriteAcceptedAsync(context).ConfigureAwait(false);
            return;
        }
        var delivered = await WriteJsonAsync(context, 200, JoinArray(answers)).ConfigureAwait(false);
        foreach (var hook in hooks ?? []) await hook(delivered).ConfigureAwait(false);
    }

    private static byte[] JoinArray(List<byte[]> elements)
    {
        var length = 2 + elements.Count - 1;
        foreach (var e in elements) length += e.Length;
        var joined = new byte[length];
        joined[0] = (byte)'[';
        var at = 1;
        for (var i = 0; i < elements.Count; i++)
        {
            if (i > 0) joined[at++] = (byte)',';
            elements[i].CopyTo(joined, at);
            at += elements[i].Length;
        }
        joined[at] = (byte)']';
        return joined;
    }

    // One request answered as an event stream: priming event, progress and other messages, then the response.
    private async ValueTask StreamAsync(HttpContext context, McpServerDefinition definition, McpSession session, JsonRpcMessage message, JsonElement progressToken)
    {
        using var sse = new SseStream(context.Response, session.Id);
        await sse.StartAsync().ConfigureAwait(false);
        var answer = await McpDispatcher.DispatchAsync(Request(context, definition, session, message, new CallStream(sse, session, progressToken))).ConfigureAwait(false);
        await sse.SendAsync(Counted(answer).Body).ConfigureAwait(false);
        var delivered = await sse.EndAsync().ConfigureAwait(false);
        if (answer.Written is { } written) await written(delivered).ConfigureAwait(false);
    }

    private async ValueTask DeleteAsync(HttpContext context, string endpoint)
    {
        var id = context.Request.Header("Mcp-Session-Id");
        if (id is null)
        {
            await WriteErrorAsync(context, McpErrorKind.SessionRequired, "Mcp-Session-Id header required").ConfigureAwait(false);
            return;
        }
        if (sessions.Find(id, endpoint) is not { } session || !sessions.Remove(id))
        {
            await WriteErrorAsync(context, McpErrorKind.UnknownSession, "unknown or expired session").ConfigureAwait(false);
            return;
        }
        if (onSessionDeleted is not null) await onSessionDeleted(session).ConfigureAwait(false);
        await WriteJsonAsync(context, 200, "{}"u8.ToArray()).ConfigureAwait(false);
    }

    private async ValueTask MethodNotAllowedAsync(HttpContext context)
    {
        context.Response.AddHeader("Allow", "POST, DELETE");
        await WriteErrorAsync(context, McpErrorKind.HttpMethodNotAllowed, "method not allowed; use POST").ConfigureAwait(false);
    }

    private McpRequest Request(HttpContext context, McpServerDefinition definition, McpSession session, JsonRpcMessage message, CallStream? stream) => new()
    {
        Definition = definition,
        Session = session,
        Message = message,
        Aborted = context.RequestAborted,
        Stream = stream,
        Client = clientOf?.Invoke(context) ?? context.Request.RemoteEndPoint?.Address.ToString() ?? "unknown",
        Limits = limits,
        Logger = logger,
        Rejected = rejected,
    };

    private ValueTask<bool> WriteErrorAsync(HttpContext context, McpErrorKind kind, string message, JsonElement id = default) =>
        WriteAsync(context, McpErrors.Answer(kind, id, message));

    private ValueTask<bool> WriteAsync(HttpContext context, McpAnswer answer) => WriteJsonAsync(context, answer.Status, Counted(answer).Body);

    private McpAnswer Counted(McpAnswer answer)
    {
        if (answer.Error is { } kind) rejected?.Invoke(McpErrors.Reason(kind));
        return answer;
    }

    private static ValueTask<bool> WriteJsonAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    // Notifications and client responses: taken, nothing to answer.
    private static async ValueTask WriteAcceptedAsync(HttpContext context)
    {
        context.Response.StatusCode = 202;
        await context.Response.WriteAsync(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
    }
}
