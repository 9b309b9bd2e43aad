using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RogerRat.Mcp.JsonRpc;

/// <summary>
/// Turns a Utf8JsonWriter callback into the bytes of one JSON document. A message is built whole before it is framed
/// (JSON body, SSE event or batch element), so one buffer and one writer per thread serve every message.
/// </summary>
internal static class JsonBuffer
{
    // Relaxed escaping keeps non-ASCII text readable for the models on the other end; the bytes stay valid JSON.
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // A buffer grown past this by one large answer is let go, so a thread does not keep it for good.
    private const int RetainedCapacity = 1 << 20;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;
    [ThreadStatic] private static bool t_inUse;

    public static byte[] Write<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        // A callback that builds another message (a tool writing its structured content through us) must not
        // reset the buffer under the message being written: the inner one gets buffers of its own.
        if (t_inUse) return WriteUnpooled(state, write);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer ??= new Utf8JsonWriter(buffer, s_options);
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        t_inUse = true;
        try
        {
            write(writer, state);
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            t_inUse = false;
            if (buffer.Capacity > RetainedCapacity)
            {
                t_buffer = null;
                t_writer = null;
            }
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
}
