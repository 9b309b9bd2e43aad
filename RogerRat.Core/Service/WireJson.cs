using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using RogerRat.Core;

namespace RogerRat.Core.Service;

/// <summary>
/// The wire shapes (reference §1.8, Appendix A), written with <see cref="Utf8JsonWriter"/>: no reflection, key order as
/// the original emits, optional fields omitted rather than null.
/// </summary>
internal static class WireJson
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // A buffer grown past this by one large answer is let go, so a thread does not keep it for good.
    private const int RetainedCapacity = 1 << 20;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;
    [ThreadStatic] private static bool t_inUse;

    /// <summary>Writes one JSON document and returns its bytes; the buffer and writer are reused per thread, and a
    /// document written from inside another one's callback gets buffers of its own.</summary>
    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        if (t_inUse) return WriteUnpooled(state, write);
        var buffer = Begin(out var writer);
        try
        {
            write(writer, state);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            End(buffer);
        }
    }

    /// <summary>
    /// <see cref="Write{TState}"/> into an array rented from the shared pool, for an answer that is copied into the
    /// connection's output at once: the array goes back to the pool before the send completes, so the answer costs no
    /// array of its own. Dispose the result once, as soon as its bytes were copied.
    /// </summary>
    public static PooledJson WritePooled<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        if (t_inUse) return PooledJson.CopyOf(WriteUnpooled(state, write));
        var buffer = Begin(out var writer);
        try
        {
            write(writer, state);
            writer.Flush();
            return PooledJson.CopyOf(buffer.WrittenSpan);
        }
        finally
        {
            End(buffer);
        }
    }

    private static ArrayBufferWriter<byte> Begin(out Utf8JsonWriter writer)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        writer = t_writer ??= new Utf8JsonWriter(buffer, s_options);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        t_inUse = true;
        return buffer;
    }

    private static void End(ArrayBufferWriter<byte> buffer)
    {
        t_inUse = false;
        if (buffer.Capacity > RetainedCapacity)
        {
            t_buffer = null;
            t_writer = null;
        }
    }

    private static byte[] WriteUnpooled<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer, s_options);
        write(writer, state);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="m"/> as a message object; <c>kind</c>, <c>priority</c>, <c>suggested_replies</c> and <c>attachments</c> only when set.</summary>
    public static void Message(Utf8JsonWriter w, ChannelMessage m)
    {
        // A broadcast is written once per woken listen: its object is encoded once and copied after that. A DM is
        // written once, so it goes straight into the answer with no array of its own.
        if (m.EncodedJson is { } cached)
        {
            w.WriteRawValue(cached, skipInputValidation: true);
            return;
        }
        if (m.IsBroadcast && Encode(m) is { } encoded)
        {
            w.WriteRawValue(encoded, skipInputValidation: true);
            return;
        }
        MessageObject(w, m);
    }

    // Larger objects are not cached: the ring's memory bound (capacity x largest message) stays what it was, and an
    // attachment-sized broadcast costs its escaping per listen, small next to sending it.
    private const int MaxCachedMessageBytes = 16 * 1024;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_messageBuffer;
    [ThreadStatic] private static Utf8JsonWriter? t_messageWriter;

    // The message writer is its own per-thread pair: a message is encoded from inside another document's callback.
    private static byte[]? Encode(ChannelMessage m)
    {
        var buffer = t_messageBuffer ??= new ArrayBufferWriter<byte>(512);
        var writer = t_messageWriter ??= new Utf8JsonWriter(buffer, s_options);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        MessageObject(writer, m);
        writer.Flush();
        var fits = buffer.WrittenCount <= MaxCachedMessageBytes;
        var json = fits ? m.CacheEncodedJson(buffer.WrittenSpan.ToArray()) : null;
        if (buffer.Capacity > RetainedCapacity)
        {
            t_messageBuffer = null;
            t_messageWriter = null;
        }
        return json;
    }

    private static void MessageObject(Utf8JsonWriter w, ChannelMessage m)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, m.Id);
        w.WriteString("from"u8, m.From);
        w.WriteString("to"u8, m.To);
        w.WriteString("text"u8, m.Text);
        w.WriteNumber("at"u8, m.At);
        if (m.Kind == MessageKind.Status) w.WriteString("kind"u8, "status"u8);
        if (m.Priority != MessagePriority.Default) w.WriteString("priority"u8, PriorityName(m.Priority));
        if (m.SuggestedReplies is { Count: > 0 } replies)
        {
            w.WriteStartArray("suggested_replies"u8);
            foreach (var r in replies) w.WriteStringValue(r);
            w.WriteEndArray();
        }
        if (m.Attachments is { Count: > 0 } attachments)
        {
            w.WriteStartArray("attachments"u8);
            foreach (var a in attachments)
            {
                w.WriteStartObject();
                w.WriteString("mime"u8, a.Mime);
                w.WriteString("data_base64"u8, a.DataBase64);
                if (a.Filename is not null) w.WriteString("filename"u8, a.Filename);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>Writes the property <paramref name="name"/> as an array of <see cref="Message"/> objects.</summary>
    public static void Messages(Utf8JsonWriter w, ReadOnlySpan<byte> name, IReadOnlyList<ChannelMessage> messages)
    {
        w.WriteStartArray(name);
        // By index: foreach over the interface would allocate an enumerator per answer.
        for (var i = 0; i < messages.Count; i++) Message(w, messages[i]);
        w.WriteEndArray();
    }

    /// <summary>Writes the property <paramref name="name"/> as an array of strings.</summary>
    public static void Strings(Utf8JsonWriter w, ReadOnlySpan<byte> name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>The wire name of <paramref name="p"/>: <c>min</c>, <c>low</c>, <c>default</c>, <c>high</c> or <c>urgent</c>.</summary>
    public static string PriorityName(MessagePriority p) => p switch
    {
        MessagePriority.Min => "min",
        MessagePriority.Low => "low",
        MessagePriority.High => "high",
        MessagePriority.Urgent => "urgent",
        _ => "default",
    };

    /// <summary><c>{"error", "code", "hint"?, "retry_after_seconds"?}</c>.</summary>
    public static byte[] Error(HubError error) => Write(error, static (w, e) =>
    {
        w.WriteStartObject();
        w.WriteString("error"u8, e.Message);
        w.WriteString("code"u8, e.Code);
        if (e.Hint is not null) w.WriteString("hint"u8, e.Hint);
        if (e.Rate is { } rate) w.WriteNumber("retry_after_seconds"u8, rate.RetryAfterSeconds);
        w.WriteEndObject();
    });

    /// <summary><c>{"error", "code"}</c> for the transport's own refusals (405, 500), which are no hub error.</summary>
    public static byte[] Error(string message, string code) => Write((message, code), static (w, e) =>
    {
        w.WriteStartObject();
        w.WriteString("error"u8, e.message);
        w.WriteString("code"u8, e.code);
        w.WriteEndObject();
    });
}
