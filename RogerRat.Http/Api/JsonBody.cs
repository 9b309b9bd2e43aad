using System.Globalization;
using System.Text.Json;

namespace RogerRat.Http.Api;

/// <summary>
/// A request body read the original's way (reference §2.4, §2.7, §2.9): parsed as JSON; anything that is not a JSON
/// object (bad JSON, unreadable strings, an array, a number) counts as <c>{}</c>. Values are coerced like JavaScript's <c>String(x)</c>
/// where the original does so.
/// </summary>
internal readonly struct JsonBody : IDisposable
{
    private readonly JsonDocument? _document;
    private readonly JsonElement _root;

    private JsonBody(JsonDocument? document)
    {
        _document = document;
        _root = document?.RootElement ?? default;
    }

    /// <summary>A view of an object element owned by someone else (MCP tool arguments); not disposed here.</summary>
    public JsonBody(JsonElement root) => _root = root.ValueKind == JsonValueKind.Object ? root : default;

    public static JsonBody Parse(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty) return default;
        try
        {
            var doc = StrictJson.Parse(body, maxDepth: 32);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return new JsonBody(doc);
            doc.Dispose();
        }
        catch (JsonException)
        {
        }
        return default;
    }

    /// <summary>The property, or null when absent (a JSON <c>null</c> is returned as a Null element).</summary>
    public JsonElement? Get(string name) =>
        _root.ValueKind == JsonValueKind.Object && _root.TryGetProperty(name, out var value) ? value : null;

    /// <summary>True when the property is present and not JSON null (the original's <c>x ?? default</c>).</summary>
    public bool Has(string name) => Get(name) is { ValueKind: not JsonValueKind.Null };

    /// <summary><c>String(body[name] ?? "")</c>.</summary>
    public string CoercedString(string name) => Get(name) is { ValueKind: not JsonValueKind.Null } v ? Coerce(v) : "";

    /// <summary>The string value, or null when absent or not a string.</summary>
    public string? StringOrNull(string name) => Get(name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    public static string Coerce(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.Number => v.TryGetDouble(out var d) ? d.ToString("R", CultureInfo.InvariantCulture) : v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => string.Join(",", v.EnumerateArray().Select(e => e.ValueKind is JsonValueKind.Null ? "" : Coerce(e))),
        _ => "[object Object]",
    };

    /// <summary>JavaScript's <c>typeof</c> name of a JSON value, for error messages.</summary>
    public static string TypeName(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "object",
    };

    public void Dispose() => _document?.Dispose();
}
