using System.Buffers;
using System.Text.Json;

namespace RogerRat.Http.Webhooks;

/// <summary>
/// A registration as the durable store keeps it (an <see cref="RogerRat.Core.Storage.IExtensionStore"/> record of kind
/// <see cref="Kind"/>, keyed by webhook id): JSON, so a later version can add fields. The secret is kept whole: the
/// hub signs every delivery with it, so a hash would not do; the data dir is 0700 and its files 0600.
/// </summary>
internal readonly record struct WebhookRecord(string Url, string? Callsign, string Secret, long CreatedAt)
{
    public const string Kind = "webhook";

    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("url"u8, Url);
            if (Callsign is not null) w.WriteString("callsign"u8, Callsign);
            w.WriteString("secret"u8, Secret);
            w.WriteNumber("created_at"u8, CreatedAt);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Null when the bytes are not a registration this version understands.</summary>
    public static WebhookRecord? Decode(byte[] value)
    {
        try
        {
            using var doc = JsonDocument.Parse(value);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("url"u8, out var url) || url.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("secret"u8, out var secret) || secret.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("created_at"u8, out var createdAt) || !createdAt.TryGetInt64(out var at))
            {
                return null;
            }
            string? callsign = null;
            if (root.TryGetProperty("callsign"u8, out var cs))
            {
                if (cs.ValueKind != JsonValueKind.String) return null;
                callsign = cs.GetString();
            }
            var s = secret.GetString()!;
            return s.Length < 4 ? null : new WebhookRecord(url.GetString()!, callsign, s, at);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
