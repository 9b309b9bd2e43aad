using System.Net.Sockets;
using System.Text;

namespace RogerRat.Tests.Http;

/// <summary>Between two requests the connection waits under the keep-alive timeout; once the next request's first bytes
/// are in, its head is under the request-headers timeout, and a second request sent after an idle spell is served.</summary>
public class KeepAliveWaitTests
{
    private const string Get = "GET /a HTTP/1.1\r\nHost: t\r\n\r\n";

    [Fact]
    public async Task An_idle_kept_alive_connection_is_closed_quietly_after_the_keep_alive_timeout()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l => l.KeepAliveTimeout = TimeSpan.FromMilliseconds(300));
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes(Get), SocketFlags.None);
        // Everything the server sends until it closes: the one answer and no second (no 408 for an idle connection).
        var all = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(10));
        Assert.Equal(1, CountOf(all, "HTTP/1.1 "));
        Assert.StartsWith("HTTP/1.1 200", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_kept_alive_head_that_stops_halfway_gets_408()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l =>
        {
            // Long enough for a loaded test machine to send the first request after connecting (its head timer runs
            // from the accept, and a connection that sent nothing by then is closed without an answer).
            l.KeepAliveTimeout = TimeSpan.FromSeconds(30);
            l.RequestHeadersTimeout = TimeSpan.FromSeconds(2);
        });
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes(Get), SocketFlags.None);
        Assert.Single(await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(5)));
        await s.SendAsync(Encoding.ASCII.GetBytes("GET /b HTTP/1.1\r\nHost"), SocketFlags.None);
        var rest = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(10));
        Assert.Equal(408, RawHttp.Status(rest));
    }

    [Fact]
    public async Task A_request_after_an_idle_spell_and_pipelined_ones_are_all_answered_in_order()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes(Get), SocketFlags.None);
        Assert.Single(await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(5)));
        await Task.Delay(200);
        await s.SendAsync(Encoding.ASCII.GetBytes("GET /b HTTP/1.1\r\nHost: t\r\n\r\nGET /c HTTP/1.1\r\nHost: t\r\n\r\n"), SocketFlags.None);
        var answers = await RawHttp.ReadResponsesAsync(s, 2, TimeSpan.FromSeconds(5));
        Assert.Contains("GET /b", answers[0], StringComparison.Ordinal);
        Assert.Contains("GET /c", answers[1], StringComparison.Ordinal);
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
