using System.Text.Json;
using RogerRat.Core.Service;

namespace RogerRat.Mcp.JsonRpc;

/// <summary>Writes JSON-RPC responses with Utf8JsonWriter; the id is echoed as raw JSON.</summary>
public static class JsonRpcWriter
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

    public static byte[] Error(JsonElement id, int code, string message) => WireJson.Write((id, code, message), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc"u8, "2.0");
        WriteId(w, s.id);
        w.WriteStartObject("error"u8);
        w.WriteNumber("code"u8, s.code);
        w.WriteString("message"u8, s.message);
        w.WriteEndObject();
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

    private static void WriteId(Utf8JsonWriter w, JsonElement id)
    {
        w.WritePropertyName("id"u8);
        if (id.ValueKind is JsonValueKind.String or JsonValueKind.Number) id.WriteTo(w);
        else w.WriteNullValue(); // only for errors about a message whose id could not be read
    }
}
