using RogerRat.Core.Service;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RogerRat.Mcp.JsonRpc;

/// <summary>Writes JSON-RPC responses and notifications with Utf8JsonWriter; the id is echoed as raw JSON.</summary>
internal static class JsonRpcWriter
{
    public static byte[] Result(JsonElement id, Action<Utf8JsonWriter> writeResult) => WireJson.Write((id, writeResult), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0");
        WriteId(w, s.id);
        w.WritePropertyName("result"u8);
        s.writeResult(w);
        w.WriteEndObject();
    });

    /// <summary>A result that is one of the protocol types of the source-generated context.</summary>
    internal static byte[] Result<T>(JsonElement id, T result, JsonTypeInfo<T> type) => WireJson.Write((id, result, type), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0");
        WriteId(w, s.id);
        w.WritePropertyName("result"u8);
        JsonSerializer.Serialize(w, s.result, s.type);
        w.WriteEndObject();
    });

    public static byte[] Error(JsonElement id, int code, string message) => WireJson.Write((id, new JsonRpcError(code, message)), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0");
        WriteId(w, s.id);
        w.WritePropertyName("error"u8);
        JsonSerializer.Serialize(w, s.Item2, McpJsonContext.Default.JsonRpcError);
        w.WriteEndObject();
    });

    public static byte[] Notification(string method, Action<Utf8JsonWriter> writeParams) => WireJson.Write((method, writeParams), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0");
        w.WriteString("method"u8, s.method);
        w.WritePropertyName("params"u8);
        s.writeParams(w);
        w.WriteEndObject();
    });

    /// <summary>A request from the server to the client (sampling, elicitation); our ids are strings we minted.</summary>
    internal static byte[] Request(string id, string method, Action<Utf8JsonWriter> writeParams) => WireJson.Write((id, method, writeParams), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0");
        w.WriteString("id"u8, s.id);
        w.WriteString("method"u8, s.method);
        w.WritePropertyName("params"u8);
        s.writeParams(w);
        w.WriteEndObject();
    });

    private static void WriteId(Utf8JsonWriter w, JsonElement id)
    {
        w.WritePropertyName("id"u8);
        // An id we could not read is answered as null (JSON-RPC 2.0 §5), never echoed: 1e400 or a 30-digit integer
        // would come back as a number the client cannot hold, and an object as a value no client could match.
        if (JsonRpcMessage.IsValidId(id)) id.WriteTo(w);
        else w.WriteNullValue();
    }
}
