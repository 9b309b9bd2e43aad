using System.Buffers;
using System.Text;
using RogerRat.Http.Server;

namespace RogerRat.Tests.Http;

/// <summary>The allocation budget of the parse path (STYLE: steady-state parse is 0 B), checked on every CI run.</summary>
public class ParserAllocationTests
{
    [Theory]
    [InlineData("GET /api/channels/x/listen?timeout=30 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\nX-Session-Id: s\r\n\r\n")]
    [InlineData("POST /api/channels/x/send HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}")]
    public void Parsing_into_a_warm_head_allocates_nothing(string request)
    {
        var bytes = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(request));
        var limits = new HttpServerLimits();
        var head = new HttpRequestHead();
        Assert.True(HttpParser.TryParseHead(bytes, limits, head, out _)); // the first parse sizes the head's buffer
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) HttpParser.TryParseHead(bytes, limits, head, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
