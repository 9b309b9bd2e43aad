using System.Text.Json;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Mcp;

/// <summary>What a call answered on an event stream can send before its result: progress, log messages, and
/// requests to the client (sampling, elicitation) whose answers the client POSTs back.</summary>
internal sealed class CallStream(SseStream stream, McpSession session, JsonElement progressToken)
{
    // RFC 5424 severities, lowest first, as MCP's logging/setLevel names them.
    private static readonly string[] s_levels = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];

    // A client that never answers (no one at its elicitation dialog) must not hold the call, and its connection, for good.
    private static readonly TimeSpan s_clientRequestTimeout = TimeSpan.FromMinutes(2);

    public bool HasProgressToken => progressToken.ValueKind != JsonValueKind.Undefined;

    /// <summary>The request's <c>params._meta.progressToken</c>, when it is a string or a number; else undefined.</summary>
    public static JsonElement ProgressTokenOf(JsonRpcMessage m) =>
        m.Param("_meta") is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty("progressToken", out var token)
        && token.ValueKind is JsonValueKind.String or JsonValueKind.Number ? token.Clone() : default;

    public ValueTask ProgressAsync(double progress, double? total, string? note)
    {
        if (!HasProgressToken) return ValueTask.CompletedTask;
        return stream.SendAsync(JsonRpcWriter.Notification("notifications/progress", w =>
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

    public ValueTask LogAsync(string level, string data)
    {
        if (Array.IndexOf(s_levels, level) < Math.Max(0, Array.IndexOf(s_levels, session.LogLevel))) return ValueTask.CompletedTask;
        return stream.SendAsync(JsonRpcWriter.Notification("notifications/message", w =>
        {
            w.WriteStartObject();
            w.WriteString("level"u8, level);
            w.WriteString("data"u8, data);
            w.WriteEndObject();
        }));
    }

    public async Task<JsonElement> RequestAsync(string method, Action<Utf8JsonWriter> writeParams, CancellationToken ct)
    {
        var (id, response) = session.BeginClientRequest();
        try
        {
            await stream.SendAsync(JsonRpcWriter.Request(id, method, writeParams)).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(s_clientRequestTimeout);
            return await response.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            session.EndClientRequest(id);
        }
    }
}
