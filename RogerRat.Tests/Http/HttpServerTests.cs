using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using RogerRat.Http.Server;

namespace RogerRat.Tests.Http;

/// <summary>Raw-socket tests of the HTTP/1.1 server on 127.0.0.1: framing, rejections, keep-alive, long-poll awareness, shutdown.</summary>
public class HttpServerTests
{
    [Fact]
    public async Task Get_with_query_and_keep_alive_reuse()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes("GET /a%20b?x=1 HTTP/1.1\r\nHost: t\r\n\r\n"), SocketFlags.None);
        var first = await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(5));
        await s.SendAsync(Encoding.ASCII.GetBytes("GET /again HTTP/1.1\r\nHost: t\r\n\r\n"), SocketFlags.None);
        var second = await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200 OK", first[0]);
        Assert.EndsWith("GET /a b q=x=1 body=", first[0]);
        Assert.Contains("\r\nDate: ", first[0]);
        Assert.EndsWith("GET /again q= body=", second[0]);
    }

    [Fact]
    public async Task Pipelined_requests_are_answered_in_order()
    {
        await using var h = await RawHttp.StartAsync(async c =>
        {
            if (c.Request.Path == "/slow") await Task.Delay(100);
            await c.Response.WriteAsync(Encoding.ASCII.GetBytes(c.Request.Path));
        });
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /fast HTTP/1.1\r\nHost: t\r\n\r\nPOST /post HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi"), SocketFlags.None);
        var responses = await RawHttp.ReadResponsesAsync(s, 3, TimeSpan.FromSeconds(5));
        Assert.Equal(3, responses.Count);
        Assert.EndsWith("/slow", responses[0]);
        Assert.EndsWith("/fast", responses[1]);
        Assert.EndsWith("/post", responses[2]);
    }

    [Fact]
    public async Task Chunked_request_body_is_decoded()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        var r = await h.ExchangeAsync("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n");
        Assert.EndsWith("body=hello world", r);
    }

    [Fact]
    public async Task Expect_100_continue_gets_an_interim_response()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"), SocketFlags.None);
        var buffer = new byte[256];
        var n = await s.ReceiveAsync(buffer, SocketFlags.None);
        Assert.Equal("HTTP/1.1 100 Continue\r\n\r\n", Encoding.ASCII.GetString(buffer, 0, n));
        await s.SendAsync(Encoding.ASCII.GetBytes("abc"), SocketFlags.None);
        var r = await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(5));
        Assert.EndsWith("body=abc", r[0]);
    }

    [Fact]
    public async Task Http10_closes_by_default_and_keeps_alive_on_request()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        var closed = await h.ExchangeAsync("GET /x HTTP/1.0\r\n\r\n");
        Assert.StartsWith("HTTP/1.0 200 OK", closed);
        Assert.Contains("Connection: close", closed);
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), SocketFlags.None);
        var kept = await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(5));
        Assert.Contains("Connection: keep-alive", kept[0]);
    }

    [Fact]
    public async Task Head_has_headers_but_no_body()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        var r = await h.ExchangeAsync("HEAD /h HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        Assert.Contains("Content-Length: 16", r); // "HEAD /h q= body="
        Assert.EndsWith("\r\n\r\n", r);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: +5\r\n\r\nabcde", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5a\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: \r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501)]
    [InlineData("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\nX: a\rb\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\nX: a\u0000b\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\nX: a\u0001b\r\n\r\n", 400)]
    [InlineData("GET /\u0000 HTTP/1.1\r\nHost: t\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\nX : a\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\n: a\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400)]
    [InlineData("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505)]
    [InlineData("GET / HTTP/1.1\nHost: t\n\n", 400)]
    [InlineData("GET / FOO/1.1\r\nHost: t\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\nExpect: 200-ok\r\n\r\n", 417)]
    [InlineData("GET /path#frag HTTP/1.1\r\nHost: t\r\n\r\n", 400)]
    [InlineData("GET /path\\file HTTP/1.1\r\nHost: t\r\n\r\n", 400)]
    [InlineData("GET * HTTP/1.1\r\nHost: t\r\n\r\n", 400)]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 501)]
    [InlineData("CONNECT /x HTTP/1.1\r\nHost: t\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: \r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400)]
    [InlineData("GET / HTTP/1.1\r\nHost: user@t\r\n\r\n", 400)]
    [InlineData("GET http://other.example/ HTTP/1.1\r\nHost: t\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 005\r\n\r\nhello", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 00\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent-Type: a/b\r\nContent-Type: c/d\r\nContent-Length: 1\r\n\r\nx", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent_Length: 5\r\n\r\nhello", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer_Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;bad[=x\r\nhello\r\n0\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"unterminated\r\nhello\r\n0\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nContent-Length: 50\r\n\r\n", 400)]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nHost: evil\r\n\r\n", 400)]
    public async Task Malformed_requests_are_rejected_and_closed(string request, int status)
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        var started = Stopwatch.GetTimestamp();
        var r = await h.ExchangeAsync(request);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(3), "answered at once, not after a timeout");
        Assert.Equal(status, RawHttp.Status(r));
        Assert.Contains("Connection: close", r);
        Assert.Contains("\"code\":", r);
    }

    [Theory]
    [InlineData("GET /x;y=1?a=b HTTP/1.1\r\nHost: t\r\n\r\n", "GET /x;y=1 q=a=b body=")]
    [InlineData("GET http://t:80/abs?q=1 HTTP/1.1\r\nHost: T:80\r\n\r\n", "GET /abs q=q=1 body=")]
    [InlineData("GET HTTP://t/abs HTTP/1.1\r\nHost: t\r\n\r\n", "GET /abs q= body=")]
    [InlineData("GET /a%2Fb%20c%2fd HTTP/1.1\r\nHost: t\r\n\r\n", "GET /a%2Fb c%2fd q= body=")]
    [InlineData("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", "GET / q= body=")]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", "POST / q= body=")]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nContent-Length:  5 \r\n\r\nhello", "POST / q= body=hello")]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nX_Custom: 1\r\nContent-Length: 2\r\n\r\nok", "POST / q= body=ok")]
    [InlineData("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nA ; name = \"q\\\"v\" ; flag\r\nhelloworld\r\n0\r\nX-Checksum: abc\r\n\r\n", "POST / q= body=helloworld")]
    public async Task Valid_edge_forms_are_accepted(string request, string echoed)
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.Latin1.GetBytes(request), SocketFlags.None);
        var r = await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", r[0]);
        Assert.EndsWith(echoed, r[0]);
    }

    [Fact]
    public async Task A_method_too_long_for_the_request_line_is_400_and_a_target_too_long_is_414()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        var longMethod = await h.ExchangeAsync(new string('A', 100_000) + " / HTTP/1.1\r\nHost: t\r\n\r\n");
        var longTarget = await h.ExchangeAsync("GET /" + new string('a', 100_000) + " HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(400, RawHttp.Status(longMethod));
        Assert.Equal(414, RawHttp.Status(longTarget));
    }

    [Theory]
    [InlineData("GT /x HTTP/#1.0\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\n   folded\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\n999999 99\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: t\r\nX: a\u0000b\r\n")]
    public async Task An_unfinished_head_with_a_malformed_line_is_refused_without_waiting(string partial)
    {
        // The head never ends; the lines already received are enough to refuse it, long before the headers timeout.
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l => l.RequestHeadersTimeout = TimeSpan.FromSeconds(20));
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.Latin1.GetBytes(partial), SocketFlags.None);
        var r = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(3));
        Assert.Equal(400, RawHttp.Status(r));
    }

    [Fact]
    public async Task Expect_100_continue_with_the_body_already_sent_gets_no_interim_response()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        var r = await h.ExchangeAsync("POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\nhello");
        Assert.StartsWith("HTTP/1.1 200 OK", r);
        Assert.EndsWith("body=hello", r);
    }

    [Fact]
    public async Task Chunk_size_line_and_trailer_section_have_limits()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l =>
        {
            l.MaxChunkSizeLineLength = 64;
            l.MaxRequestHeadersTotalSize = 1024;
        });
        var head = "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
        var fits = await h.ExchangeAsync(head + "5;" + new string('e', 50) + "\r\nhello\r\n0\r\nX: " + new string('v', 900) + "\r\n\r\n", TimeSpan.FromSeconds(2));
        var longExtension = await h.ExchangeAsync(head + "5;" + new string('e', 100) + "\r\nhello\r\n0\r\n\r\n");
        var bigTrailers = await h.ExchangeAsync(head + "5\r\nhello\r\n0\r\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"X{i}: {new string('v', 40)}\r\n")) + "\r\n");
        Assert.StartsWith("HTTP/1.1 200", fits);
        Assert.Equal(400, RawHttp.Status(longExtension));
        Assert.Equal(431, RawHttp.Status(bigTrailers));
    }

    [Fact]
    public async Task Limits_answer_414_431_and_413()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l =>
        {
            l.MaxRequestLineSize = 100;
            l.MaxRequestHeadersTotalSize = 200;
            l.MaxRequestHeaderCount = 5;
            l.MaxRequestBodySize = 10;
        });
        Assert.Equal(414, RawHttp.Status(await h.ExchangeAsync($"GET /{new string('a', 200)} HTTP/1.1\r\nHost: t\r\n\r\n")));
        Assert.Equal(431, RawHttp.Status(await h.ExchangeAsync($"GET / HTTP/1.1\r\nHost: t\r\nX: {new string('a', 300)}\r\n\r\n")));
        Assert.Equal(431, RawHttp.Status(await h.ExchangeAsync("GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\n\r\n")));
        Assert.Equal(413, RawHttp.Status(await h.ExchangeAsync("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n")));
        Assert.Equal(413, RawHttp.Status(await h.ExchangeAsync("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nb\r\nhello world\r\n0\r\n\r\n")));
    }

    [Fact]
    public async Task Slow_headers_get_408_and_close()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l => l.RequestHeadersTimeout = TimeSpan.FromMilliseconds(300));
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: t\r\n"), SocketFlags.None);
        var r = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(5));
        Assert.Equal(408, RawHttp.Status(r));
    }

    [Fact]
    public async Task Disconnect_while_parked_cancels_the_handler_within_100ms()
    {
        // Each parked handler must be cancelled by its client's close (else it would sit out its 30 s); the fastest of
        // three must be within 100 ms, so one scheduling stall of a loaded test machine does not decide the result,
        // while a server that only noticed the close late (on a timer, or at the next write) fails every attempt.
        var cancelledAt = new TaskCompletionSource<long>[3];
        var parked = new TaskCompletionSource[3];
        for (var i = 0; i < 3; i++)
        {
            cancelledAt[i] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            parked[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        await using var h = await RawHttp.StartAsync(async c =>
        {
            var i = c.Request.Path[^1] - '0';
            parked[i].TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                cancelledAt[i].TrySetResult(Stopwatch.GetTimestamp());
            }
            await c.Response.WriteAsync("late"u8.ToArray());
        });
        var took = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var s = await h.ConnectAsync();
            await s.SendAsync(Encoding.ASCII.GetBytes($"GET /listen{i} HTTP/1.1\r\nHost: t\r\n\r\n"), SocketFlags.None);
            await parked[i].Task.WaitAsync(TimeSpan.FromSeconds(5));
            var closedAt = Stopwatch.GetTimestamp();
            s.Close();
            var at = await cancelledAt[i].Task.WaitAsync(TimeSpan.FromSeconds(5));
            took.Add(Stopwatch.GetElapsedTime(closedAt, at).TotalMilliseconds);
        }
        Assert.True(took.Min() < 100, $"cancelled after {string.Join(", ", took)} ms");
    }

    [Fact]
    public async Task A_write_to_a_gone_client_reports_failure()
    {
        var written = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await RawHttp.StartAsync(async c =>
        {
            parked.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            await Task.Delay(50);
            var big = new byte[4 * 1024 * 1024];
            written.TrySetResult(await c.Response.WriteAsync(big));
        });
        var s = await h.ConnectAsync();
        s.LingerState = new LingerOption(true, 0); // close with RST
        await s.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n"), SocketFlags.None);
        await parked.Task.WaitAsync(TimeSpan.FromSeconds(5));
        s.Close();
        Assert.False(await written.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Graceful_shutdown_answers_parked_requests()
    {
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var h = await RawHttp.StartAsync(async c =>
        {
            parked.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            await c.Response.WriteAsync("bye"u8.ToArray());
        });
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n"), SocketFlags.None);
        await parked.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var stop = h.Server.StopAsync(TimeSpan.FromSeconds(5));
        var r = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(5));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.StartsWith("HTTP/1.1 200", r);
        Assert.EndsWith("bye", r);
        Assert.Contains("Connection: close", r);
        await h.DisposeAsync();
    }

    [Fact]
    public async Task Connections_over_the_limit_get_503()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l => l.MaxConcurrentConnections = 1);
        using var first = await h.ConnectAsync();
        await first.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n"), SocketFlags.None);
        await RawHttp.ReadResponsesAsync(first, 1, TimeSpan.FromSeconds(5));
        var second = await h.ExchangeAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
        Assert.Equal(503, RawHttp.Status(second));
        Assert.Contains("\r\nDate: ", second);
        Assert.Contains("\r\nConnection: close\r\n", second);
        Assert.EndsWith("""{"error":"too many connections","code":"capacity_exceeded"}""", second);
        Assert.Contains($"\r\nContent-Length: {"""{"error":"too many connections","code":"capacity_exceeded"}""".Length}\r\n", second);
    }

    [Fact]
    public async Task Stopping_lets_the_application_answer_parked_requests_before_cancelling_them_and_closes_after()
    {
        // The application's own wake (a hub waking its listens) must run after the server stopped accepting and while
        // handlers' tokens are still live, and the answers it causes must be their connections' last.
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var wake = new TaskCompletionSource(); // continuations inline: the handler resumes inside SetResult
        var cancelledWhenWoken = true;
        var h = await RawHttp.StartAsync(async c =>
        {
            parked.TrySetResult();
            await wake.Task.ConfigureAwait(false);
            cancelledWhenWoken = c.RequestAborted.IsCancellationRequested;
            await c.Response.WriteAsync("woken"u8.ToArray());
        });
        using var s = await h.ConnectAsync();
        await s.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: t\r\n\r\n"), SocketFlags.None);
        await parked.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var acceptingWhenWoken = true;
        var endpoint = h.Server.LocalEndPoint;
        var stop = h.Server.StopAsync(TimeSpan.FromSeconds(5), answerParked: () =>
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Connect(endpoint);
            }
            catch (SocketException)
            {
                acceptingWhenWoken = false;
            }
            wake.SetResult(); // runs the handler's continuation inline: it sees the token as it is now
        });
        var r = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(5));
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(acceptingWhenWoken, "still accepting when the application was asked to answer");
        Assert.False(cancelledWhenWoken, "handlers were cancelled before the application could answer them");
        Assert.StartsWith("HTTP/1.1 200", r);
        Assert.Contains("\r\nConnection: close\r\n", r);
        Assert.EndsWith("woken", r);
        await h.DisposeAsync();
    }

    [Fact]
    public void Server_namespace_uses_no_core_type()
    {
        var core = typeof(RogerRat.Core.Hub).Assembly;
        var serverTypes = typeof(HttpServer).Assembly.GetTypes().Where(t => t.Namespace == "RogerRat.Http.Server");
        foreach (var t in serverTypes)
        {
            const System.Reflection.BindingFlags all = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic
                | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly;
            var used = t.GetFields(all).Select(f => f.FieldType)
                .Concat(t.GetMethods(all).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                .Concat(t.GetProperties(all).Select(p => p.PropertyType))
                .Concat(t.GetConstructors(all).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)));
            Assert.DoesNotContain(used, u => u.Assembly == core);
        }
    }
}
