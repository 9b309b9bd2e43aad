using System.Buffers;
using System.Text;

namespace RogerRat.Bench.Http;

/// <summary>Realistic request heads, each also cut into three segments.</summary>
internal static class ParserData
{
    public static readonly byte[] Get = Encoding.ASCII.GetBytes(
        "GET /api/channels/quiet-otter-3a8f/listen?timeout=30 HTTP/1.1\r\nHost: 127.0.0.1:7424\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nAuthorization: Bearer bArjnFln4A6AfvoTq4hN52rgbLRT7G6c\r\nX-Session-Id: 17cf3479-b5c5-454b-83e3-c8e51c8750cf\r\n\r\n");

    public static readonly byte[] PostJson = Encoding.ASCII.GetBytes(
        "POST /api/channels/quiet-otter-3a8f/send HTTP/1.1\r\nHost: 127.0.0.1:7424\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\nAuthorization: Bearer bArjnFln4A6AfvoTq4hN52rgbLRT7G6c\r\nX-Session-Id: 17cf3479-b5c5-454b-83e3-c8e51c8750cf\r\nContent-Type: application/json\r\nContent-Length: 34\r\n\r\n{\"to\":\"all\",\"message\":\"hello all\"}");

    public static readonly byte[] TwentyHeaders = Encoding.ASCII.GetBytes(
        "GET /llms.txt HTTP/1.1\r\nHost: hub.example.com\r\n" + string.Concat(Enumerable.Range(1, 19).Select(i => $"X-Header-{i}: value-{i}-abcdefghijklmnop\r\n")) + "\r\n");

    public static ReadOnlySequence<byte> Single(byte[] bytes) => new(bytes);

    public static ReadOnlySequence<byte> ThreeSegments(byte[] bytes)
    {
        var a = bytes.Length / 3;
        var first = new Segment(bytes.AsMemory(0, a), 0);
        var second = first.Append(bytes.AsMemory(a, a));
        var third = second.Append(bytes.AsMemory(2 * a));
        return new ReadOnlySequence<byte>(first, 0, third, third.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long index)
        {
            Memory = memory;
            RunningIndex = index;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
