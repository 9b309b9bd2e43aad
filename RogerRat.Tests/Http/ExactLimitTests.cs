using System.Buffers;
using System.Net.Sockets;
using System.Text;
using RogerRat.Http.Server;

namespace RogerRat.Tests.Http;

/// <summary>
/// Limits hold exactly: a request line, header block or chunk-size line of exactly the limit is accepted however its
/// bytes arrive, one byte more is refused; and a half-closed client still gets every request it sent answered.
/// </summary>
public class ExactLimitTests
{
    private static readonly HttpServerLimits s_small = new() { MaxRequestLineSize = 64, MaxRequestHeadersTotalSize = 64 };

    private static string RequestLine(int length) => "GET /" + new string('a', length - "GET / HTTP/1.1".Length) + " HTTP/1.1";

    private static int ParseInPieces(byte[] bytes, int cut)
    {
        var head = new HttpRequestHead();
        try
        {
            if (HttpParser.TryParseHead(new ReadOnlySequence<byte>(bytes, 0, cut), s_small, head, out _)) return 200;
            return HttpParser.TryParseHead(new ReadOnlySequence<byte>(bytes), s_small, head, out _) ? 200 : 0;
        }
        catch (HttpRejection r)
        {
            return r.Status;
        }
    }

    [Fact]
    public void A_request_line_of_exactly_the_limit_parses_wherever_it_is_cut()
    {
        var at = Encoding.ASCII.GetBytes(RequestLine(64) + "\r\nHost: t\r\n\r\n");
        var over = Encoding.ASCII.GetBytes(RequestLine(65) + "\r\nHost: t\r\n\r\n");
        for (var cut = 1; cut < at.Length; cut++) Assert.Equal(200, ParseInPieces(at, cut));
        for (var cut = 1; cut < over.Length; cut++) Assert.Equal(414, ParseInPieces(over, cut));
    }

    [Fact]
    public void A_head_with_both_parts_at_their_limits_parses()
    {
        // 64-byte request line and a 64-byte header block ("Host: t" + CRLF + a field filling the rest).
        var block = "Host: t\r\nX: " + new string('v', 64 - "Host: t\r\nX: ".Length);
        Assert.Equal(64, block.Length);
        var at = Encoding.ASCII.GetBytes(RequestLine(64) + "\r\n" + block + "\r\n\r\n");
        var over = Encoding.ASCII.GetBytes(RequestLine(64) + "\r\n" + block + "v\r\n\r\n");
        for (var cut = 1; cut < at.Length; cut++) Assert.Equal(200, ParseInPieces(at, cut));
        Assert.Equal(431, ParseInPieces(over, over.Length));
    }

    [Fact]
    public async Task A_chunk_size_line_of_exactly_the_limit_is_accepted_and_leading_zeros_are_fine()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l => l.MaxChunkSizeLineLength = 16);
        var head = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        var at = await h.ExchangeAsync(head + "5;" + new string('e', 14) + "\r\nhello\r\n0\r\n\r\n");
        var over = await h.ExchangeAsync(head + "5;" + new string('e', 15) + "\r\nhello\r\n0\r\n\r\n");
        var zeros = await h.ExchangeAsync(head + "0000000000000005\r\nhello\r\n0\r\n\r\n");
        Assert.EndsWith("body=hello", at);
        Assert.Equal(400, RawHttp.Status(over));
        Assert.EndsWith("body=hello", zeros);
    }

    [Fact]
    public async Task Requests_sent_before_a_half_close_are_all_answered()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        using var s = await h.ConnectAsync();
        await s.SendAsync("GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n"u8.ToArray(), SocketFlags.None);
        s.Shutdown(SocketShutdown.Send);
        var r = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(5));
        Assert.Contains("GET /a q=", r);
        Assert.Contains("GET /b q=", r);
    }
}
