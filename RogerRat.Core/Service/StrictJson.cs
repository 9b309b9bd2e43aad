using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace RogerRat.Core.Service;

/// <summary>
/// Parses untrusted JSON text whose strings must all be readable. <see cref="JsonDocument"/> checks structure only: a
/// string with bytes that are not UTF-8, or an escaped lone surrogate (<c>"\ud800"</c>), parses, and then throws
/// <see cref="InvalidOperationException"/> from <see cref="JsonElement.GetString"/> deep inside a handler. Here such
/// text is a <see cref="JsonException"/>, like any other malformed JSON, so every caller answers it as bad input.
/// </summary>
internal static class StrictJson
{
    /// <summary>Parses <paramref name="utf8Json"/> (a leading byte order mark skipped) and checks that every string is readable.</summary>
    /// <param name="utf8Json">The JSON text as UTF-8 bytes.</param>
    /// <param name="maxDepth">The deepest nesting allowed.</param>
    /// <returns>The document, which the caller disposes.</returns>
    /// <exception cref="JsonException">The text is not valid UTF-8, is malformed or too deep, or holds an unpaired surrogate.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, int maxDepth)
    {
        // A byte order mark may be ignored (RFC 8259 §8.1); neither JsonDocument nor the reader skips it on bytes.
        if (utf8Json.Span.StartsWith("\uFEFF"u8)) utf8Json = utf8Json[3..];
        // JSON text is UTF-8: one vectorised pass covers the unescaped bytes of every string.
        if (!Utf8.IsValid(utf8Json.Span)) throw new JsonException("JSON text is not valid UTF-8");
        var document = JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = maxDepth });
        try
        {
            CheckEscapedStrings(utf8Json.Span, maxDepth);
        }
        catch
        {
            document.Dispose();
            throw;
        }
        return document;
    }

    // Escapes can still spell an unpaired surrogate; unescaping each escaped string (names too) finds it.
    private static void CheckEscapedStrings(ReadOnlySpan<byte> utf8Json, int maxDepth)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = maxDepth });
        char[]? scratch = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
                var length = reader.ValueSpan.Length; // an unescaped string has no more UTF-16 units than its escaped bytes
                if (scratch is null || scratch.Length < length)
                {
                    if (scratch is not null) ArrayPool<char>.Shared.Return(scratch);
                    scratch = ArrayPool<char>.Shared.Rent(length);
                }
                try
                {
                    reader.CopyString(scratch);
                }
                catch (InvalidOperationException e)
                {
                    throw new JsonException("a JSON string holds an unpaired surrogate", e);
                }
            }
        }
        finally
        {
            if (scratch is not null) ArrayPool<char>.Shared.Return(scratch);
        }
    }
}
