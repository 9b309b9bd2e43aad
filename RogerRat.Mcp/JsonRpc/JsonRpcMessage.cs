using System.Text.Json;

namespace RogerRat.Mcp.JsonRpc;

/// <summary>What a JSON-RPC message is: a request (has id and method), a notification (method, no id) or a response.</summary>
internal enum JsonRpcKind { Request, Notification, Response }

/// <summary>
/// One incoming JSON-RPC 2.0 message. The id is kept as raw JSON (a string or an integer, never null) and params as a
/// <see cref="JsonElement"/> until a method binds them.
/// </summary>
internal sealed class JsonRpcMessage
{
    private JsonRpcMessage(JsonRpcKind kind, string? method, JsonElement id, JsonElement @params, JsonElement raw)
    {
        Kind = kind;
        Method = method;
        Id = id;
        Params = @params;
        Raw = raw;
    }

    public JsonRpcKind Kind { get; }
    public string? Method { get; }
    /// <summary>The raw id (undefined for notifications).</summary>
    public JsonElement Id { get; }
    /// <summary>The params object (undefined when absent).</summary>
    public JsonElement Params { get; }
    /// <summary>The whole message, as read.</summary>
    internal JsonElement Raw { get; }

    /// <summary>Reads one message; throws <see cref="JsonRpcException"/> (-32600) when it is not a valid one.</summary>
    public static JsonRpcMessage From(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Invalid("a JSON-RPC message must be an object");
        if (!e.TryGetProperty("jsonrpc", out var v) || v.ValueKind != JsonValueKind.String || v.GetString() != "2.0") throw Invalid("jsonrpc must be \"2.0\"");
        var hasId = e.TryGetProperty("id", out var id);
        if (hasId && !IsValidId(id)) throw Invalid("id must be a string or an integer");
        e.TryGetProperty("params", out var p);
        if (p.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object or JsonValueKind.Array)) throw Invalid("params must be an object");
        if (e.TryGetProperty("method", out var m))
        {
            if (m.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(m.GetString())) throw Invalid("method must be a string");
            return new JsonRpcMessage(hasId ? JsonRpcKind.Request : JsonRpcKind.Notification, m.GetString(), id, p, e);
        }
        if (hasId && (e.TryGetProperty("result", out _) || e.TryGetProperty("error", out _))) return new JsonRpcMessage(JsonRpcKind.Response, null, id, default, e);
        throw Invalid("neither a request, a notification nor a response");
    }

    /// <summary>The id of <paramref name="e"/> when it has a valid one, for the error about a message that is
    /// otherwise invalid; else undefined (answered as <c>"id": null</c>).</summary>
    internal static JsonElement IdOf(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("id", out var id) && IsValidId(id) ? id : default;

    /// <summary>A string, or an integer that fits 64 bits: what a client can match its answer by. A fraction, 1e400, a
    /// 30-digit number, null, a bool, an object or an array is not an id.</summary>
    internal static bool IsValidId(JsonElement id) =>
        id.ValueKind == JsonValueKind.String || (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out _));

    private static JsonRpcException Invalid(string why) => new(JsonRpcErrorCode.InvalidRequest, $"invalid request: {why}");

    /// <summary>A string parameter, or null when absent or not a string.</summary>
    public string? ParamString(string name) =>
        Params.ValueKind == JsonValueKind.Object && Params.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public JsonElement Param(string name) =>
        Params.ValueKind == JsonValueKind.Object && Params.TryGetProperty(name, out var v) ? v : default;
}
