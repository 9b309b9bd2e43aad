using System.Text.Json;

namespace RogerRat.Mcp;

/// <summary>One content block of a tool result or prompt message (MCP: text, image, audio, embedded resource).</summary>
internal abstract record McpContent
{
    public abstract void Write(Utf8JsonWriter w);

    public static McpContent Text(string text) => new TextContent(text);
    public static McpContent Image(string base64, string mimeType) => new MediaContent("image", base64, mimeType);
    public static McpContent Audio(string base64, string mimeType) => new MediaContent("audio", base64, mimeType);
    public static McpContent ResourceText(string uri, string mimeType, string text) => new ResourceContent(uri, mimeType, text, null);
    public static McpContent ResourceBlob(string uri, string mimeType, string base64) => new ResourceContent(uri, mimeType, null, base64);

    private sealed record TextContent(string Value) : McpContent
    {
        public override void Write(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "text"u8);
            w.WriteString("text"u8, Value);
            w.WriteEndObject();
        }
    }

    private sealed record MediaContent(string Kind, string Data, string MimeType) : McpContent
    {
        public override void Write(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, Kind);
            w.WriteString("data"u8, Data);
            w.WriteString("mimeType"u8, MimeType);
            w.WriteEndObject();
        }
    }

    private sealed record ResourceContent(string Uri, string MimeType, string? TextValue, string? Blob) : McpContent
    {
        public override void Write(Utf8JsonWriter w)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, "resource"u8);
            w.WriteStartObject("resource"u8);
            w.WriteString("uri"u8, Uri);
            w.WriteString("mimeType"u8, MimeType);
            if (TextValue is not null) w.WriteString("text"u8, TextValue);
            if (Blob is not null) w.WriteString("blob"u8, Blob);
            w.WriteEndObject();
            w.WriteEndObject();
        }
    }
}
