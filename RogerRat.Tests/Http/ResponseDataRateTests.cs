using System.Diagnostics;
using System.Net.Sockets;
using RogerRat.Http.Server;

namespace RogerRat.Tests.Http;

/// <summary>A client that stops reading must not hold its connection (and the handler writing to it) forever.</summary>
public sealed class ResponseDataRateTests
{
    [Fact]
    public async Task A_client_that_never_reads_is_closed_and_the_write_reports_failure()
    {
        var writeFailed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await RawHttp.StartAsync(async c =>
        {
            await c.Response.StartStreamAsync();
            var chunk = new byte[64 * 1024];
            long sent = 0;
            while (await c.Response.WriteStreamAsync(chunk)) sent += chunk.Length;
            writeFailed.TrySetResult(sent);
        }, l =>
        {
            l.MinResponseDataRate = 64 * 1024;
            l.MinResponseDataRateGracePeriod = TimeSpan.FromMilliseconds(300);
        });
        using var s = await h.ConnectAsync();
        s.ReceiveBufferSize = 4096;
        await s.SendAsync("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n"u8.ToArray(), SocketFlags.None);
        // Never reads: the kernel buffers fill, a send stalls, and the stalled send must end the connection.
        var sent = await writeFailed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(sent > 0);
        // The client then finds the connection closed after whatever was buffered.
        var rest = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(10));
        Assert.StartsWith("HTTP/1.1 200", rest);
        Assert.True(rest.Length < sent + 4096 * 1024, "the stream ended, it did not go on");
    }

    [Fact]
    public async Task A_large_response_gets_the_time_its_size_needs_past_the_grace()
    {
        var delivered = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var body = new byte[8 * 1024 * 1024];
        body.AsSpan().Fill((byte)'x');
        await using var h = await RawHttp.StartAsync(async c =>
        {
            delivered.TrySetResult(await c.Response.WriteAsync(body));
        }, l =>
        {
            // 8 MiB at 4 MiB/s: the send may take 2 s, far more than the 300 ms grace.
            l.MinResponseDataRate = 4 * 1024 * 1024;
            l.MinResponseDataRateGracePeriod = TimeSpan.FromMilliseconds(300);
        });
        using var s = await h.ConnectAsync();
        s.ReceiveBufferSize = 64 * 1024; // small enough that 8 MiB stall the send; a tiny window would crawl on delayed ACKs
        await s.SendAsync("GET /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"u8.ToArray(), SocketFlags.None);
        // Past the grace, within the time the response's size allows: the send has stalled (8 MiB do not fit the
        // buffers) but the rate is judged over the whole response, so the connection stays.
        await Task.Delay(TimeSpan.FromMilliseconds(900));
        var started = Stopwatch.GetTimestamp();
        var response = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(20));
        Assert.True(await delivered.Task.WaitAsync(TimeSpan.FromSeconds(5)), "the write reported success");
        Assert.EndsWith(new string('x', 1000), response);
        Assert.Contains("Content-Length: 8388608", response);
        Assert.True(response.Length > body.Length, $"got {response.Length} bytes in {Stopwatch.GetElapsedTime(started)}");
    }

    [Fact]
    public async Task A_cancelled_write_is_dropped_not_retried_when_the_connection_closes()
    {
        // The handler gives up on a stalled write (its own token); what was not sent must be dropped with the
        // connection, not sent again while closing (that retry would wait on a client that stopped reading, here for
        // good as the rate check is off).
        var gaveUp = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var body = new byte[8 * 1024 * 1024];
        await using var h = await RawHttp.StartAsync(async c =>
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            gaveUp.TrySetResult(await c.Response.WriteAsync(body, patience.Token));
        }, l => l.MinResponseDataRate = 0);
        using var s = await h.ConnectAsync();
        s.ReceiveBufferSize = 64 * 1024;
        await s.SendAsync("GET /big HTTP/1.1\r\nHost: t\r\n\r\n"u8.ToArray(), SocketFlags.None);
        Assert.False(await gaveUp.Task.WaitAsync(TimeSpan.FromSeconds(10)), "the write reported failure");
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // time for a (wrong) retry to stall
        var response = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(10));
        Assert.StartsWith("HTTP/1.1 200", response);
        Assert.True(response.Length < body.Length, $"the connection closed after {response.Length} bytes, short of the body");
    }

    [Fact]
    public void The_rate_is_a_named_limit_with_kestrels_default()
    {
        var limits = new HttpServerLimits();
        Assert.Equal(240, limits.MinResponseDataRate);
        Assert.Equal(TimeSpan.FromSeconds(5), limits.MinResponseDataRateGracePeriod);
        Assert.Throws<ArgumentOutOfRangeException>(() => limits.MinResponseDataRate = -1);
    }
}
