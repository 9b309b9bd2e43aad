using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Core.Service;
using RogerRat.Http.Server;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Mcp;

/// <summary>
/// MCP over Streamable HTTP for one <see cref="McpServerDefinition"/>: POST carries JSON-RPC (a JSON answer, or an SSE
/// stream when the client only accepts that or a long call reports progress), notifications and client responses get
/// 202, GET is 405 (no server-initiated stream), DELETE ends the session. Every malformed input is a JSON-RPC error,
/// never a 500.
/// </summary>
/// <param name="sessions">Where sessions are minted, found and expired.</param>
/// <param name="logger">Where failures are logged.</param>
/// <param name="clientOf">The client's address for rate limits (default: the socket's).</param>
/// <param name="limits">Batch and subscription limits (defaults: <see cref="McpEndpointLimits"/>).</param>
/// <param name="onSessionDeleted">Called when a client ends its session with DELETE (the hub leaves the channel the
/// session joined, so its callsign goes offline and its parked listen answers at once).</param>
public sealed class McpEndpoint(McpSessionStore sessions, ILogger? logger = null, Func<HttpContext, string>? clientOf = null,
    McpEndpointLimits? limits = null, Action<McpSession>? onSessionDeleted = null)
{
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(15);
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly McpEndpointLimits _limits = limits ?? new McpEndpointLimits();

    public McpSessionStore Sessions => sessions;

    /// <summary>Serves one HTTP request for the endpoint named <paramref name="endpoint"/> ("" = unified).</summary>
    public async ValueTask HandleAsync(HttpContext context, McpServerDefinition definition, string endpoint)
    {
        var request = context.Request;
        switch (request.Method)
        {
            case "POST":
                await PostAsync(context, definition, endpoint).ConfigureAwait(false);
                return;
            case "DELETE":
                var id = request.Header("Mcp-Session-Id");
                if (id is null)
                {
                    await WriteJsonAsync(context, 400, JsonRpcWriter.Error(default, JsonRpcErrorCode.InvalidRequest, "Mcp-Session-Id header required")).ConfigureAwait(false);
                    return;
                }
                var deleted = sessions.Find(id) is { } s && s.Endpoint == endpoint && sessions.Remove(id) ? s : null;
                if (deleted is not null) onSessionDeleted?.Invoke(deleted);
                var found = deleted is not null;
                await WriteJsonAsync(context, found ? 200 : 404, found ? "{}"u8.ToArray() : JsonRpcWriter.Error(default, JsonRpcErrorCode.InvalidRequest, "unknown or expired session")).ConfigureAwait(false);
                return;
            case "OPTIONS":
                context.Response.StatusCode = 204;
                context.Response.AddHeader("Allow", "POST, DELETE, OPTIONS");
                await context.Response.WriteAsync(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
                return;
            default:
                context.Response.AddHeader("Allow", "POST, DELETE");
                await WriteJsonAsync(context, 405, JsonRpcWriter.Error(default, -32000, "method not allowed; use POST")).ConfigureAwait(false);
                return;
        }
    }

    private async ValueTask PostAsync(HttpContext context, McpServerDefinition definition, string endpoint)
    {
        var request = context.Request;
        var accept = request.Header("Accept") ?? "*/*";
        var acceptsJson = accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) || accept.Contains("*/*", StringComparison.Ordinal)
            || accept.Contains("application/*", StringComparison.OrdinalIgnoreCase);
        var acceptsSse = accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
        if (!acceptsJson && !acceptsSse)
        {
            await WriteJsonAsync(context, 406, JsonRpcWriter.Error(default, JsonRpcErrorCode.InvalidRequest, "Accept must include application/json or text/event-stream")).ConfigureAwait(false);
            return;
        }
        var versionHeader = request.Header("MCP-Protocol-Version");
        if (versionHeader is not null && !McpProtocol.IsSupported(versionHeader))
        {
            await WriteJsonAsync(context, 400, JsonRpcWriter.Error(default, JsonRpcErrorCode.InvalidRequest,
                $"unsupported MCP-Protocol-Version {versionHeader}; supported: {string.Join(", ", McpProtocol.Supported)}")).ConfigureAwait(false);
            return;
        }

        JsonDocument document;
        try
        {
            document = StrictJson.Parse(request.Body, maxDepth: 64);
        }
        catch (JsonException)
        {
            await WriteJsonAsync(context, 400, JsonRpcWriter.Error(default, JsonRpcErrorCode.ParseError, "parse error")).ConfigureAwait(false);
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
            var id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var rawId) ? rawId : default;
            await WriteJsonAsync(context, 400, JsonRpcWriter.Error(id, e.Code, e.Message)).ConfigureAwait(false);
            return;
        }

        if (message.Method == "initialize")
        {
            if (message.Kind != JsonRpcKind.Request)
            {
                await WriteJsonAsync(context, 400, JsonRpcWriter.Error(default, JsonRpcErrorCode.InvalidRequest, "initialize must be a request")).ConfigureAwait(false);
                return;
            }
            await InitializeAsync(context, definition, endpoint, message).ConfigureAwait(false);
            return;
        }

        if (sessionId is null && message.Kind == JsonRpcKind.Request && !IsKnownMethod(message.Method))
        {
            // A newer client's probe (server/discover) must learn at once that we don't have it, then falls back.
            await WriteJsonAsync(context, 200, JsonRpcWriter.Error(message.Id, JsonRpcErrorCode.MethodNotFound, $"method not found: {message.Method}")).ConfigureAwait(false);
            return;
        }
        if (sessionId is null)
        {
            await WriteJsonAsync(context, 400, JsonRpcWriter.Error(message.Id, JsonRpcErrorCode.InvalidRequest,
                "Mcp-Session-Id header required; call initialize first")).ConfigureAwait(false);
            return;
        }
        var session = sessions.Find(sessionId);
        if (session is null || session.Endpoint != endpoint)
        {
            await WriteJsonAsync(context, 404, JsonRpcWriter.Error(message.Id, JsonRpcErrorCode.InvalidRequest,
                "unknown or expired session; initialize a new one")).ConfigureAwait(false);
            return;
        }

        if (message.Kind == JsonRpcKind.Response)
        {
            // The client's answer to a request we sent on a call's stream (sampling, elicitation).
            var key = message.Id.ValueKind == JsonValueKind.String ? message.Id.GetString()! : message.Id.GetRawText();
            if (session.PendingClientRequests.TryRemove(key, out var pending)) pending.TrySetResult(root.Clone());
        }
        if (message.Kind != JsonRpcKind.Request)
        {
            // Notifications and client responses: accepted, nothing to answer.
            context.Response.StatusCode = 202;
            await context.Response.WriteAsync(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
            return;
        }

        var progressToken = message.Param("_meta") is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty("progressToken", out var pt)
            && pt.ValueKind is JsonValueKind.String or JsonValueKind.Number ? pt.Clone() : default;
        var streamIt = acceptsSse && (!acceptsJson || (IsLongCall(message) && (progressToken.ValueKind != JsonValueKind.Undefined || definition.StreamToolCalls)));
        if (streamIt)
        {
            await StreamAsync(context, definition, session, message, progressToken).ConfigureAwait(false);
            return;
        }

        var (body, written) = await DispatchAsync(definition, session, message, context.RequestAborted, null, Client(context)).ConfigureAwait(false);
        var ok = await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
        written?.Invoke(ok);
    }

    private static bool IsLongCall(JsonRpcMessage m) => m.Method == "tools/call";

    private static bool IsKnownMethod(string? method) => method is "ping" or "tools/list" or "tools/call" or "resources/list"
        or "resources/templates/list" or "resources/read" or "resources/subscribe" or "resources/unsubscribe" or "prompts/list"
        or "prompts/get" or "logging/setLevel" or "completion/complete";

    private string Client(HttpContext context) => clientOf?.Invoke(context) ?? context.Request.RemoteEndPoint?.Address.ToString() ?? "unknown";

    private async ValueTask InitializeAsync(HttpContext context, McpServerDefinition definition, string endpoint, JsonRpcMessage message)
    {
        // A client-supplied Mcp-Session-Id is ignored: ids are minted here only (PROTOCOL §2.4).
        var version = McpProtocol.Negotiate(message.ParamString("protocolVersion"));
        var session = sessions.Create(endpoint, version);
        if (session is null)
        {
            await WriteJsonAsync(context, 503, JsonRpcWriter.Error(message.Id, JsonRpcErrorCode.InternalError, "too many MCP sessions; try again later")).ConfigureAwait(false);
            return;
        }
        session.ClientCapabilities = message.Param("capabilities").ValueKind == JsonValueKind.Object ? message.Param("capabilities").Clone() : default;
        var instructions = definition.Instructions?.Invoke(session);
        var body = JsonRpcWriter.Result(message.Id, w =>
        {
            w.WriteStartObject();
            w.WriteString("protocolVersion"u8, version);
            w.WriteStartObject("capabilities"u8);
            w.WriteStartObject("tools"u8);
            w.WriteBoolean("listChanged"u8, false);
            w.WriteEndObject();
            w.WriteStartObject("resources"u8);
            w.WriteBoolean("subscribe"u8, true);
            w.WriteBoolean("listChanged"u8, false);
            w.WriteEndObject();
            w.WriteStartObject("prompts"u8);
            w.WriteBoolean("listChanged"u8, false);
            w.WriteEndObject();
            w.WriteStartObject("logging"u8);
            w.WriteEndObject();
            w.WriteStartObject("completions"u8);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("serverInfo"u8);
            w.WriteString("name"u8, definition.Name);
            w.WriteString("version"u8, definition.Version);
            w.WriteEndObject();
            if (instructions is not null) w.WriteString("instructions"u8, instructions);
            w.WriteEndObject();
        });
        context.Response.AddHeader("Mcp-Session-Id", session.Id);
        _logger.LogDebug("MCP session {Session} initialized on {Endpoint} ({Version})", session.Id, endpoint.Length == 0 ? "/mcp" : endpoint, version);
        await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
    }

    private async ValueTask BatchAsync(HttpContext context, McpServerDefinition definition, string endpoint, JsonElement root, string? sessionId)
    {
        var session = sessions.Find(sessionId);
        if (session is null || session.Endpoint != endpoint)
        {
            await WriteJsonAsync(context, sessionId is null ? 400 : 404, JsonRpcWriter.Error(default, JsonRpcErrorCode.InvalidRequest,
                "a batch needs an initialized session")).ConfigureAwait(false);
            return;
        }
        if (!McpProtocol.AllowsBatches(session.ProtocolVersion) || root.GetArrayLength() == 0)
        {
            await WriteJsonAsync(context, 400, JsonRpcWriter.Error(default, JsonRpcErrorCode.InvalidRequest,
                $"JSON-RPC batches are not allowed in protocol {session.ProtocolVersion}")).ConfigureAwait(false);
            return;
        }
        if (root.GetArrayLength() > _limits.MaxBatchSize)
        {
            await WriteJsonAsync(context, 400, JsonRpcWriter.Error(default, JsonRpcErrorCode.InvalidRequest,
                $"batch too large: {root.GetArrayLength()} messages, at most {_limits.MaxBatchSize}")).ConfigureAwait(false);
            return;
        }
        var answers = new List<byte[]>();
        var hooks = new List<Action<bool>>();
        foreach (var item in root.EnumerateArray())
        {
            JsonRpcMessage m;
            try
            {
                m = JsonRpcMessage.From(item);
            }
            catch (JsonRpcException e)
            {
                answers.Add(JsonRpcWriter.Error(default, e.Code, e.Message));
                continue;
            }
            if (m.Kind != JsonRpcKind.Request) continue;
            if (m.Method == "initialize")
            {
                answers.Add(JsonRpcWriter.Error(m.Id, JsonRpcErrorCode.InvalidRequest, "initialize cannot be batched"));
                continue;
            }
            var (body, written) = await DispatchAsync(definition, session, m, context.RequestAborted, null, Client(context)).ConfigureAwait(false);
            answers.Add(body);
            if (written is not null) hooks.Add(written);
        }
        if (answers.Count == 0)
        {
            context.Response.StatusCode = 202;
            await context.Response.WriteAsync(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
            return;
        }
        var joined = new List<byte>(answers.Sum(a => a.Length) + answers.Count + 2) { (byte)'[' };
        for (var i = 0; i < answers.Count; i++)
        {
            if (i > 0) joined.Add((byte)',');
            joined.AddRange(answers[i]);
        }
        joined.Add((byte)']');
        var ok = await WriteJsonAsync(context, 200, joined.ToArray()).ConfigureAwait(false);
        foreach (var hook in hooks) hook(ok);
    }

    // One request answered as an SSE stream: priming event, progress notifications, then the response.
    private async ValueTask StreamAsync(HttpContext context, McpServerDefinition definition, McpSession session, JsonRpcMessage message, JsonElement progressToken)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.AddHeader("Cache-Control", "no-cache");
        response.AddHeader("Mcp-Session-Id", session.Id);
        var ok = await response.StartStreamAsync().ConfigureAwait(false);
        var eventId = 0;
        var gate = new SemaphoreSlim(1, 1);
        async ValueTask Send(byte[] json)
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                var frame = Encoding.UTF8.GetBytes($"id: {session.Id}-{++eventId}\nevent: message\ndata: ");
                var bytes = new byte[frame.Length + json.Length + 2];
                frame.CopyTo(bytes, 0);
                json.CopyTo(bytes, frame.Length);
                bytes[^2] = (byte)'\n';
                bytes[^1] = (byte)'\n';
                ok &= await response.WriteStreamAsync(bytes).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
        // Priming event (2025-11-25): an event id with empty data, so a client can resume.
        ok &= await response.WriteStreamAsync(Encoding.UTF8.GetBytes($"id: {session.Id}-0\nretry: 1000\ndata: \n\n")).ConfigureAwait(false);

        var stream = new CallStream(Send, progressToken);
        var (body, written) = await DispatchAsync(definition, session, message, context.RequestAborted, stream, Client(context)).ConfigureAwait(false);
        await Send(body).ConfigureAwait(false);
        ok &= await response.EndStreamAsync().ConfigureAwait(false);
        written?.Invoke(ok);
    }

    private async ValueTask<(byte[] Body, Action<bool>? Written)> DispatchAsync(McpServerDefinition definition, McpSession session, JsonRpcMessage m,
        CancellationToken aborted, CallStream? stream, string client)
    {
        try
        {
            switch (m.Method)
            {
                case "ping":
                    return (JsonRpcWriter.Result(m.Id, static w => { w.WriteStartObject(); w.WriteEndObject(); }), null);
                case "tools/list":
                    return (ListTools(definition, session, m), null);
                case "tools/call":
                    return await CallToolAsync(definition, session, m, aborted, stream, client).ConfigureAwait(false);
                case "resources/list":
                    return (McpLists.Resources(definition, m), null);
                case "resources/templates/list":
                    return (McpLists.ResourceTemplates(definition, m), null);
                case "resources/read":
                    return (McpLists.ReadResource(definition, m), null);
                case "resources/subscribe":
                case "resources/unsubscribe":
                    var uri = m.ParamString("uri") ?? throw new JsonRpcException(JsonRpcErrorCode.InvalidParams, "uri is required");
                    if (m.Method == "resources/subscribe")
                    {
                        if (uri.Length > _limits.MaxSubscriptionUriLength)
                            throw new JsonRpcException(JsonRpcErrorCode.InvalidParams, $"uri longer than {_limits.MaxSubscriptionUriLength} characters");
                        if (!session.Subscriptions.ContainsKey(uri) && session.Subscriptions.Count >= _limits.MaxSubscriptionsPerSession)
                            throw new JsonRpcException(JsonRpcErrorCode.InvalidParams, $"at most {_limits.MaxSubscriptionsPerSession} subscriptions per session");
                        session.Subscriptions[uri] = 0;
                    }
                    else session.Subscriptions.TryRemove(uri, out _);
                    return (JsonRpcWriter.Result(m.Id, static w => { w.WriteStartObject(); w.WriteEndObject(); }), null);
                case "prompts/list":
                    return (McpLists.Prompts(definition, m), null);
                case "prompts/get":
                    return (McpLists.GetPrompt(definition, m), null);
                case "logging/setLevel":
                    session.LogLevel = m.ParamString("level") ?? throw new JsonRpcException(JsonRpcErrorCode.InvalidParams, "level is required");
                    return (JsonRpcWriter.Result(m.Id, static w => { w.WriteStartObject(); w.WriteEndObject(); }), null);
                case "completion/complete":
                    return (JsonRpcWriter.Result(m.Id, static w =>
                    {
                        w.WriteStartObject();
                        w.WriteStartObject("completion"u8);
                        w.WriteStartArray("values"u8);
                        w.WriteEndArray();
                        w.WriteNumber("total"u8, 0);
                        w.WriteBoolean("hasMore"u8, false);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }), null);
                default:
                    return (JsonRpcWriter.Error(m.Id, JsonRpcErrorCode.MethodNotFound, $"method not found: {m.Method}"), null);
            }
        }
        catch (JsonRpcException e)
        {
            return (JsonRpcWriter.Error(m.Id, e.Code, e.Message), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "MCP {Method} failed", m.Method);
            return (JsonRpcWriter.Error(m.Id, JsonRpcErrorCode.InternalError, "internal error"), null);
        }
    }

    private static byte[] ListTools(McpServerDefinition definition, McpSession session, JsonRpcMessage m)
    {
        var tools = definition.Tools(session);
        var (start, end) = McpLists.Page(m, tools.Count, definition.PageSize);
        return JsonRpcWriter.Result(m.Id, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("tools"u8);
            for (var i = start; i < end; i++)
            {
                var t = tools[i];
                w.WriteStartObject();
                w.WriteString("name"u8, t.Name);
                w.WriteString("description"u8, t.Description);
                w.WritePropertyName("inputSchema"u8);
                w.WriteRawValue(t.InputSchema);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (end < tools.Count) w.WriteString("nextCursor"u8, end.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteEndObject();
        });
    }

    private async ValueTask<(byte[], Action<bool>?)> CallToolAsync(McpServerDefinition definition, McpSession session, JsonRpcMessage m,
        CancellationToken aborted, CallStream? stream, string client)
    {
        var name = m.ParamString("name") ?? throw new JsonRpcException(JsonRpcErrorCode.InvalidParams, "tools/call needs params.name");
        var tool = definition.Tools(session).FirstOrDefault(t => t.Name == name)
            ?? throw new JsonRpcException(JsonRpcErrorCode.InvalidParams, $"unknown tool: {name}");
        var arguments = m.Param("arguments");
        if (arguments.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            throw new JsonRpcException(JsonRpcErrorCode.InvalidParams, "arguments must be an object");
        }
        McpToolResult result;
        try
        {
            result = await tool.Handler(new McpCallContext
            {
                Session = session,
                Arguments = arguments,
                Aborted = aborted,
                ReportProgress = stream is null ? static (_, _, _) => ValueTask.CompletedTask : stream.ProgressAsync,
                HasProgressToken = stream?.HasProgressToken == true,
                Log = stream is null ? static (_, _) => ValueTask.CompletedTask : (level, data) => stream.LogAsync(session, level, data),
                RequestClient = stream is null
                    ? static (_, _, _) => throw new InvalidOperationException("this call has no stream to the client")
                    : (method, p, ct) => stream.RequestAsync(session, method, p, ct),
                Client = client,
            }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not JsonRpcException)
        {
            // A tool failure is a result the model can read, not a protocol error.
            result = McpToolResult.Error(e is RogerRat.Core.HubException ? e.Message : "internal error");
            if (e is not RogerRat.Core.HubException) _logger.LogError(e, "tool {Tool} failed", name);
        }
        var body = JsonRpcWriter.Result(m.Id, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("content"u8);
            if (result.Content is { } blocks)
            {
                foreach (var block in blocks) block.Write(w);
            }
            else
            {
                McpContent.Text(result.Text).Write(w);
            }
            w.WriteEndArray();
            if (result.StructuredContent is not null)
            {
                w.WritePropertyName("structuredContent"u8);
                result.StructuredContent(w);
            }
            w.WriteBoolean("isError"u8, result.IsError);
            w.WriteEndObject();
        });
        return (body, result.Written);
    }

    private static async ValueTask<bool> WriteJsonAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return await context.Response.WriteAsync(body).ConfigureAwait(false);
    }

    /// <summary>Progress every 15 s while a long call waits, so clients with 60 s request timeouts stay alive.</summary>
    public static async Task KeepReportingAsync(McpCallContext call, Task until)
    {
        if (!call.HasProgressToken) return;
        var n = 0;
        while (await Task.WhenAny(until, Task.Delay(s_progressInterval, call.Aborted)).ConfigureAwait(false) != until && !call.Aborted.IsCancellationRequested)
        {
            await call.ReportProgress(++n, null, "still listening").ConfigureAwait(false);
        }
    }

    /// <summary>What a call answered on an SSE stream can send before its result: progress, log messages, requests.</summary>
    private sealed class CallStream(Func<byte[], ValueTask> send, JsonElement progressToken)
    {
        private static readonly string[] s_levels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

        public bool HasProgressToken => progressToken.ValueKind != JsonValueKind.Undefined;

        public ValueTask ProgressAsync(double progress, double? total, string? note)
        {
            if (!HasProgressToken) return ValueTask.CompletedTask;
            return send(JsonRpcWriter.Notification("notifications/progress", w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("progressToken"u8);
                progressToken.WriteTo(w);
                w.WriteNumber("progress"u8, progress);
                if (total is { } t) w.WriteNumber("total"u8, t);
                if (note is not null) w.WriteString("message"u8, note);
                w.WriteEndObject();
            }));
        }

        public ValueTask LogAsync(McpSession session, string level, string data)
        {
            if (Array.IndexOf(s_levels, level) < Math.Max(0, Array.IndexOf(s_levels, session.LogLevel))) return ValueTask.CompletedTask;
            return send(JsonRpcWriter.Notification("notifications/message", w =>
            {
                w.WriteStartObject();
                w.WriteString("level"u8, level);
                w.WriteString("data"u8, data);
                w.WriteEndObject();
            }));
        }

        public async Task<JsonElement> RequestAsync(McpSession session, string method, Action<Utf8JsonWriter> writeParams, CancellationToken ct)
        {
            var id = session.NextRequestId();
            var pending = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
            session.PendingClientRequests[id] = pending;
            try
            {
                await send(RogerRat.Core.Service.WireJson.Write((id, method, writeParams), static (w, s) =>
                {
                    w.WriteStartObject();
                    w.WriteString("jsonrpc"u8, "2.0");
                    w.WriteString("id"u8, s.id);
                    w.WriteString("method"u8, s.method);
                    w.WritePropertyName("params"u8);
                    s.writeParams(w);
                    w.WriteEndObject();
                })).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromMinutes(2));
                return await pending.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                session.PendingClientRequests.TryRemove(id, out _);
            }
        }
    }
}
