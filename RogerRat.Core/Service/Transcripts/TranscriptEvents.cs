using System.Text;
using System.Text.Json;

namespace RogerRat.Core.Service.Transcripts;

/// <summary>
/// The event shapes of reference §5.2, key order as the original writes them. Fixes of its §15.21: <c>bytes</c> counts
/// UTF-8 bytes (not UTF-16 units) and a join names the callsign as normalised, the name the roster shows.
/// </summary>
internal static class TranscriptEvents
{
    public static byte[] ChannelCreated(long ts, Retention retention) => WireJson.Write((ts, retention), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteNumber("ts"u8, s.ts);
        w.WriteString("type"u8, "channel_created"u8);
        w.WriteString("retention"u8, ChannelSettings.Name(s.retention));
        w.WriteEndObject();
    });

    public static byte[] Join(long ts, string callsign) => Presence(ts, "join", callsign);

    public static byte[] Leave(long ts, string callsign) => Presence(ts, "leave", callsign);

    public static byte[] Message(ChannelMessage m) => WireJson.Write(m, static (w, m) =>
    {
        w.WriteStartObject();
        w.WriteNumber("ts"u8, m.At);
        w.WriteString("type"u8, "message"u8);
        w.WriteString("from"u8, m.From);
        w.WriteString("to"u8, m.To);
        w.WriteString("text"u8, m.Text);
        w.WriteEndObject();
    });

    public static byte[] MessageMeta(ChannelMessage m) => WireJson.Write(m, static (w, m) =>
    {
        w.WriteStartObject();
        w.WriteNumber("ts"u8, m.At);
        w.WriteString("type"u8, "message_meta"u8);
        w.WriteString("from"u8, m.From);
        w.WriteString("to"u8, m.To);
        w.WriteNumber("bytes"u8, Encoding.UTF8.GetByteCount(m.Text));
        w.WriteEndObject();
    });

    private static byte[] Presence(long ts, string type, string callsign) => WireJson.Write((ts, type, callsign), static (w, s) =>
    {
        w.WriteStartObject();
        w.WriteNumber("ts"u8, s.ts);
        w.WriteString("type"u8, s.type);
        w.WriteString("callsign"u8, s.callsign);
        w.WriteEndObject();
    });
}
