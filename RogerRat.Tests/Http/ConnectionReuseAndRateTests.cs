using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace RogerRat.Tests.Http;

/// <summary>
/// Raw-socket tests of what a connection keeps between requests (body buffers, the chunked decoder), the minimum
/// body data rate as an average, and the disconnect watch when pipelined bytes are already waiting.
/// </summary>
public class ConnectionReuseAndRateTests
{
    [Fact]
    public async Task Chunked_and_length_bodies_alternate_on_one_connection_without_leftovers()
    {
        await using var h = await RawHttp.StartAsync(RawHttp.Echo);
        using var s = await h.ConnectAsync();
        var big = new string('x', 40_000); // larger than what the connection keeps between requests
        string[] requests =
        [
            "POST /1 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
            "POST /2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n",
            $"POST /3 HTTP/1.1\r\nHost: t\r\nContent-Length: {big.Length}\r\n\r\n{big}",
            "POST /4 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz",
            $"POST /5 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n{big.Length:x}\r\n{big}\r\n1\r\nq\r\n0\r\n\r\n",
            "POST /6 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "GET /7 HTTP/1.1\r\nHost: t\r\n\r\n",
        ];
        string[] bodies = ["hello world", "ab", big, "xyz", big + "q", "", ""];
        for (var i = 0; i < requests.Length; i++)
        {
            await s.SendAsync(Encoding.ASCII.GetBytes(requests[i]), SocketFlags.None);
            var r = await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(5));
            Assert.Single(r);
            Assert.EndsWith($" /{i + 1} q= body={bodies[i]}", r[0]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bodies_larger_than_the_input_buffer_arrive_whole(bool chunked)
    {
        // The connection's input pipe holds about 80 KiB before back-pressure; a body (or one chunk) of 600 KB must be
        // taken as it arrives or the request would stall.
        await using var h = await RawHttp.StartAsync(async c =>
        {
            var body = c.Request.Body.Span;
            var sum = 0L;
            foreach (var b in body) sum += b;
            await c.Response.WriteAsync(Encoding.ASCII.GetBytes($"{body.Length}:{sum}"));
        });
        using var s = await h.ConnectAsync();
        var data = new byte[600_000];
        new Random(7).NextBytes(data);
        var expected = $"{data.Length}:{data.Sum(b => (long)b)}";
        var head = chunked
            ? $"POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n{data.Length:x}\r\n"
            : $"POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: {data.Length}\r\n\r\n";
        byte[] tail = chunked ? "\r\n0\r\n\r\n"u8.ToArray() : [];
        await s.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None);
        await s.SendAsync(data, SocketFlags.None);
        await s.SendAsync(tail, SocketFlags.None);
        var r = await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(10));
        Assert.EndsWith(expected, r[0]);
    }

    [Fact]
    public async Task A_body_trickling_below_the_average_rate_gets_408_even_though_every_read_brings_bytes()
    {
        // 1000 B/s required after 300 ms; the client sends one byte every 50 ms (20 B/s). Each read brings bytes well
        // within the grace period, so only an average-rate check stops it.
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l =>
        {
            l.MinRequestBodyDataRate = 1000;
            l.MinRequestBodyDataRateGracePeriod = TimeSpan.FromMilliseconds(300);
        });
        using var s = await h.ConnectAsync();
        await s.SendAsync("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 60\r\n\r\n"u8.ToArray(), SocketFlags.None);
        var started = Stopwatch.GetTimestamp();
        var reading = RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(10));
        for (var i = 0; i < 60 && !reading.IsCompleted; i++)
        {
            try
            {
                await s.SendAsync("x"u8.ToArray(), SocketFlags.None);
            }
            catch (SocketException)
            {
                break; // the server already answered and closed
            }
            await Task.Delay(50);
        }
        var response = await reading;
        Assert.Equal(408, RawHttp.Status(response));
        Assert.Contains("Connection: close", response);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(2), $"took {Stopwatch.GetElapsedTime(started)}");
    }

    [Fact]
    public async Task An_upload_above_the_average_rate_outlasts_the_grace_period()
    {
        // 100 B/s required after 300 ms. Half the body comes at once (500 B: credit for 5 s at that rate), the rest
        // after a pause well past the grace period. A per-read rule (each read within the grace) would answer 408;
        // the average rule must not. The credit leaves seconds of room for a loaded test machine's stalls.
        await using var h = await RawHttp.StartAsync(RawHttp.Echo, l =>
        {
            l.MinRequestBodyDataRate = 100;
            l.MinRequestBodyDataRateGracePeriod = TimeSpan.FromMilliseconds(300);
        });
        using var s = await h.ConnectAsync();
        await s.SendAsync("POST /steady HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n"u8.ToArray(), SocketFlags.None);
        await s.SendAsync(Encoding.ASCII.GetBytes(new string('a', 500)), SocketFlags.None);
        await Task.Delay(TimeSpan.FromMilliseconds(900));
        await s.SendAsync(Encoding.ASCII.GetBytes(new string('t', 500)), SocketFlags.None);
        var r = await RawHttp.ReadResponsesAsync(s, 1, TimeSpan.FromSeconds(5));
        Assert.StartsWith("HTTP/1.1 200", r[0]);
        Assert.EndsWith(new string('a', 500) + new string('t', 500), r[0]);
    }

    [Fact]
    public async Task Disconnect_after_pipelined_bytes_still_cancels_the_parked_handler()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await RawHttp.StartAsync(async c =>
        {
            if (c.Request.Path == "/listen")
            {
                parked.TrySetResult();
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    cancelled.TrySetResult();
                }
            }
            await c.Response.WriteAsync("done"u8.ToArray());
        });
        var s = await h.ConnectAsync();
        await s.SendAsync("GET /listen HTTP/1.1\r\nHost: t\r\n\r\n"u8.ToArray(), SocketFlags.None);
        await parked.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await s.SendAsync("GET /next HTTP/1.1\r\nHost: t\r\n\r\n"u8.ToArray(), SocketFlags.None);
        await Task.Delay(100); // the pipelined request reaches the server's watch before the close
        s.Close();
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_request_pipelined_behind_a_parked_one_is_answered_after_it()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await RawHttp.StartAsync(async c =>
        {
            if (c.Request.Path == "/listen")
            {
                parked.TrySetResult();
                await release.Task;
            }
            await c.Response.WriteAsync(Encoding.ASCII.GetBytes(c.Request.Path + ":" + Encoding.ASCII.GetString(c.Request.Body.Span)));
        });
        using var s = await h.ConnectAsync();
        await s.SendAsync("GET /listen HTTP/1.1\r\nHost: t\r\n\r\n"u8.ToArray(), SocketFlags.None);
        await parked.Task.WaitAsync(TimeSpan.FromSeconds(5));
        // Sent in two parts while the first handler is parked: the watch sees both and must leave them for the loop.
        await s.SendAsync("POST /next HTTP/1.1\r\nHost: t\r\nContent-Le"u8.ToArray(), SocketFlags.None);
        await Task.Delay(50);
        await s.SendAsync("ngth: 2\r\n\r\nok"u8.ToArray(), SocketFlags.None);
        await Task.Delay(50);
        release.SetResult();
        var r = await RawHttp.ReadResponsesAsync(s, 2, TimeSpan.FromSeconds(5));
        Assert.EndsWith("/listen:", r[0]);
        Assert.EndsWith("/next:ok", r[1]);
    }
}
