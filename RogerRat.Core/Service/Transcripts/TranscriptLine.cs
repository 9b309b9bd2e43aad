using System.Text.Json;

namespace RogerRat.Core.Service.Transcripts;

/// <summary>Reading one stored transcript line back, for stores: is it an event at all, and whose first message is it.</summary>
public static class TranscriptLine
{
    /// <summary>The sender of a full <c>message</c> event, or null for any other line (stores use it to find the
    /// senders a <c>prompts</c> channel already recorded).</summary>
    public static string? MessageSender(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            string? type = null, from = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                var isFrom = reader.ValueTextEquals("from"u8);
                if (!reader.Read()) return null;
                if (reader.TokenType == JsonTokenType.String)
                {
                    if (isType) type = reader.GetString();
                    else if (isFrom) from = reader.GetString();
                }
                else if (!reader.TrySkip()) return null;
            }
            return type == "message" ? from : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="line"/> is exactly one JSON object (a store skips and counts any other line).</summary>
    public static bool IsEvent(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !reader.TrySkip()) return false;
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
