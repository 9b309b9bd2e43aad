using System.Text.Json;

namespace RogerRat.Core.Service;

/// <summary>
/// A request's JSON object: a REST body or MCP tool arguments. Parsed strictly (malformed JSON, bytes that are not
/// UTF-8 and unpaired surrogates are <see cref="HubErrorReason.InvalidJson"/>; JSON that is not an object is
/// <see cref="HubErrorReason.InvalidBody"/>); an empty body is <c>{}</c>. Fields are read by type, never coerced: a
/// field of the wrong type is refused naming the field. JSON <c>null</c> counts as absent.
/// </summary>
internal readonly struct RequestBody : IDisposable
{
    private const int MaxDepth = 32;
    private readonly JsonDocument? _document;
    private readonly JsonElement _root;

    private RequestBody(JsonDocument? document, JsonElement root)
    {
        _document = document;
        _root = root;
    }

    /// <summary>An object element owned by the caller (MCP arguments); anything else but an absent value is refused.</summary>
    public static RequestBody Of(JsonElement arguments) => arguments.ValueKind switch
    {
        JsonValueKind.Object => new(null, arguments),
        JsonValueKind.Undefined or JsonValueKind.Null => default,
        _ => throw new HubException(HubErrors.ArgumentsNotObject),
    };

    /// <summary>Parses a REST body with <see cref="StrictJson"/>; empty bytes are <c>{}</c>, malformed JSON or a non-object is refused.</summary>
    public static RequestBody Parse(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.IsEmpty) return default;
        JsonDocument document;
        try
        {
            document = StrictJson.Parse(utf8, MaxDepth);
        }
        catch (JsonException e)
        {
            throw new HubException(HubErrors.InvalidJsonBody(FirstSentence(e.Message)));
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new HubException(HubErrors.BodyNotObject);
        }
        return new(document, document.RootElement);
    }

    /// <summary>The field as sent, a JSON <c>null</c> included (create refuses a null setting, as the original); null when absent.</summary>
    public JsonElement? Raw(string name) =>
        _root.ValueKind == JsonValueKind.Object && _root.TryGetProperty(name, out var value) ? value : null;

    /// <summary>The field, or null when absent or JSON <c>null</c>.</summary>
    public JsonElement? Get(string name) =>
        _root.ValueKind == JsonValueKind.Object && _root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>The string field; null when absent; refused when of another type.</summary>
    public string? String(string name) => String(name, HubErrors.FieldNotString(name));

    /// <summary>The string field; <paramref name="wrongType"/> when of another type.</summary>
    public string? String(string name, HubError wrongType) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        _ => throw new HubException(wrongType),
    };

    /// <summary>A number field, or a query-style value, read as text by <see cref="QueryValues"/>.</summary>
    public string? NumberText(string name) => Get(name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } v => v.GetRawText(),
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        _ => "\0", // no number: the parser refuses it with the field's own message
    };

    /// <summary>Releases the parsed document, if this body owns one (not for <see cref="Of"/>).</summary>
    public void Dispose() => _document?.Dispose();

    // System.Text.Json appends "LineNumber: … | BytePositionInLine: …" and a path; the first sentence is what helps.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        var text = (cut > 0 ? message[..cut] : message).Trim();
        return text.Length > 200 ? text[..200] : text;
    }
}
