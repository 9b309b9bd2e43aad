using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace RogerRat.Http.Server;

/// <summary>
/// One client connection: reads requests in order (pipelined ones wait in the pipe), runs the handler, writes the
/// response, repeats while keep-alive holds. Design:
/// <list type="bullet">
/// <item>The loop owns the reader and the writer; nothing else touches them. A <see cref="SocketReceiver"/> fills the
/// reader's pipe on its own loop, so bytes that arrive while a handler runs (a pipelined request) wait there.</item>
/// <item>When the receiver meets EOF or a reset it cancels the running handler's token: a parked long-poll learns at
/// once that its client is gone, with nothing to cancel or allocate on the read side.</item>
/// <item>The write side has no send loop behind an output pipe (Kestrel has one): responses go through a
/// <see cref="PipeWriter"/> over the socket's stream, so a flush completes only once the socket has taken the bytes.
/// That is what commit-on-write needs: with a send loop a response would count as written once it was queued in
/// memory. <see cref="SendWatchdog"/> bounds a flush that waits on a client that stopped reading.</item>
/// <item>Malformed input is answered once with a complete error response and <c>Connection: close</c>.</item>
/// </list>
/// </summary>
internal sealed class HttpConnection(Socket socket, HttpServerLimits limits, HttpHandler handler, ILogger logger, CancellationToken serverDraining,
    CancellationToken serverStopping, Action<int, string>? rejected = null)
{
    // serverDraining is set when the server starts to stop: every response from then on is its connection's last.
    // serverStopping is set once the server cancels its handlers, right after the application answered its parked ones.

    private static readonly byte[] s_continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private readonly IPEndPoint? _remote = socket.RemoteEndPoint as IPEndPoint;

    // One head, request, response and context per connection, reused for each request once the previous handler has
    // finished; cancellation sources too, while they were not cancelled.
    private readonly HttpRequestHead _head = new();
    private HttpRequest? _request;
    private HttpResponse? _response;
    private HttpContext? _context;
    private CancellationTokenSource? _aborted;
    private bool _inputClosed;
    private CancellationTokenSource? _timeout;
    private readonly BodyBuffer _body = new();
    private readonly SendWatchdog _watchdog = new(socket, limits, logger, socket.RemoteEndPoint as IPEndPoint);
    private ChunkedBody? _chunked;

    public async Task RunAsync()
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var receiver = new SocketReceiver(socket, MaxBuffered(limits));
        var receiving = ReceiveThenSignalAsync(receiver);
        var reader = receiver.Input;
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
        try
        {
            var first = true;
            while (!serverStopping.IsCancellationRequested)
            {
                if (!first)
                {
                    // Between two requests the connection waits here, in its own state machine that lives as long as
                    // it does, under the keep-alive timeout. Waiting inside the per-request methods instead made each
                    // woken long-poll rent a state machine box for its next read, and a broadcast to 10,000 listens
                    // found the pool empty: 10,000 new boxes (~250 B each) in the middle of the wake.
                    var idle = RentTimeout(limits.KeepAliveTimeout);
                    ReadResult next;
                    try
                    {
                        next = await reader.ReadAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!serverStopping.IsCancellationRequested)
                    {
                        break; // idle past the keep-alive timeout: close quietly
                    }
                    reader.AdvanceTo(next.Buffer.Start); // nothing consumed or examined: the head read sees it all
                    ReturnTimeout();
                    if (next.IsCompleted && next.Buffer.IsEmpty) break; // the client closed between requests
                }
                first = false;
                if (!await ServeOneAsync(reader, writer).ConfigureAwait(false)) break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the server is stopping: nothing to answer.
        }
        catch (Exception e)
        {
            logger.LogError(e, "connection from {Remote} failed", _remote);
        }
        finally
        {
            _timeout?.Dispose();
            _body.ReturnArray();
            await reader.CompleteAsync().ConfigureAwait(false);
            try
            {
                // Bytes are left unflushed only by a send that failed or was cancelled: they are dropped, not retried
                // (a retry could wait forever on a client that stopped reading). Completing may still throw, which
                // must not skip the rest of the clean-up.
                var unsent = writer.CanGetUnflushedBytes && writer.UnflushedBytes > 0;
                await writer.CompleteAsync(unsent ? new IOException("the response was not sent") : null).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
            _watchdog.Dispose();
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
            socket.Close();
            try
            {
                await receiving.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                logger.LogError(e, "receive loop of {Remote} failed", _remote);
            }
            _aborted?.Dispose(); // after the receive loop, which may still cancel it

        }
    }

    private static bool BodyAlreadyArriving(PipeReader reader)
    {
        if (!reader.TryRead(out var result)) return false;
        reader.AdvanceTo(result.Buffer.Start);
        return !result.Buffer.IsEmpty;
    }

    private async Task ReceiveThenSignalAsync(SocketReceiver receiver)
    {
        await receiver.ReceiveAsync().ConfigureAwait(false);
        // Dekker handshake with ServeOneAsync: publish "closed", fence, then look for a handler's source (it publishes
        // its source, fences, then looks for "closed"), so one side always sees the other.
        Volatile.Write(ref _inputClosed, true);
        Interlocked.MemoryBarrier();
        CancelQuietly(Volatile.Read(ref _aborted));
    }

    private static void CancelQuietly(CancellationTokenSource? source)
    {
        try
        {
            source?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The request it belonged to already finished.
        }
    }

    // The input pipe must hold a whole request head; beyond that it applies back-pressure.
    private static long MaxBuffered(HttpServerLimits limits) =>
        Math.Max(64 * 1024, 2 * ((long)limits.MaxRequestLineSize + limits.MaxRequestHeadersTotalSize));

    private const int ReserveUpFront = 64 * 1024;

    /// <returns>True to read another request on this connection.</returns>
    // The per-request async methods use pooled builders: a kept-alive connection's requests allocate no state machines.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ServeOneAsync(PipeReader reader, PipeWriter writer)
    {
        HttpRequestHead head;
        ReadOnlyMemory<byte> body;
        try
        {
            var h = await ReadHeadAsync(reader).ConfigureAwait(false);
            if (h is null) return false; // clean close or idle timeout
            head = h;
            if (head.ExpectContinue && (head.ContentLength > 0 || head.Chunked))
            {
                if (head.ContentLength > limits.MaxRequestBodySize) HttpRejection.Throw(RequestRejectionReason.RequestBodyTooLarge);
                // A client that sent the body without waiting gets no interim response (a late 100 could be taken
                // for the answer to its next request).
                if (!BodyAlreadyArriving(reader))
                {
                    writer.Write(s_continue);
                    await _watchdog.FlushAsync(writer, CancellationToken.None).ConfigureAwait(false);
                }
            }
            body = await ReadBodyAsync(reader, head).ConfigureAwait(false);
        }
        catch (HttpRejection rejection)
        {
            await RejectAsync(writer, rejection).ConfigureAwait(false);
            return false;
        }

        var request = _request ??= new HttpRequest(_remote);
        request.Reset(head, body);
        var keepAlive = head.KeepAlive && !serverDraining.IsCancellationRequested;
        var response = _response ??= new HttpResponse(writer, _watchdog, head.IsHead, head.MinorVersion == 1, keepAlive, serverDraining);
        response.Reset(head.IsHead, head.MinorVersion == 1, keepAlive);
        var aborted = _aborted;
        if (aborted is null) Volatile.Write(ref _aborted, aborted = CancellationTokenSource.CreateLinkedTokenSource(serverStopping));
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _inputClosed)) CancelQuietly(aborted);
        var context = _context ??= new HttpContext(request, response);
        context.Reset(aborted.Token);

        await InvokeHandlerAsync(context).ConfigureAwait(false);

        if (!response.HasStarted)
        {
            response.StatusCode = 500;
            response.ContentType = "application/json";
            await response.WriteAsync("""{"error":"internal","code":"internal"}"""u8.ToArray()).ConfigureAwait(false);
        }
        else if (!response.IsCompleted)
        {
            await response.EndStreamAsync().ConfigureAwait(false);
        }
        // A client that half-closed after sending more requests still gets answers to the ones already received (their
        // handlers see a cancelled token); the loop ends when the input runs out.
        var inputClosed = Volatile.Read(ref _inputClosed) && !serverStopping.IsCancellationRequested;
        var again = response.KeepAlive && response.Succeeded && (!aborted.IsCancellationRequested || inputClosed);
        _body.Release();
        if (!aborted.TryReset())
        {
            Volatile.Write(ref _aborted, null);
            aborted.Dispose();
        }
        return again;
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask InvokeHandlerAsync(HttpContext context)
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "handler failed on {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.StatusCode = 500;
            context.Response.ContentType = "application/json";
            context.Response.ForceClose();
            await context.Response.WriteAsync("""{"error":"internal","code":"internal"}"""u8.ToArray()).ConfigureAwait(false);
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpRequestHead?> ReadHeadAsync(PipeReader reader)
    {
        // The request-headers timeout: from the accept for a connection's first request, from the first byte for a
        // kept-alive one (RunAsync waited for that byte under the keep-alive timeout).
        var timeout = RentTimeout(limits.RequestHeadersTimeout);
        var sawBytes = false;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!serverStopping.IsCancellationRequested)
            {
                if (sawBytes) HttpRejection.Throw(RequestRejectionReason.RequestHeadersTimeout);
                return null;
            }
            var buffer = result.Buffer;
            if (!buffer.IsEmpty) sawBytes = true;
            bool parsed;
            SequencePosition consumed;
            try
            {
                parsed = HttpParser.TryParseHead(buffer, limits, _head, out consumed);
            }
            catch
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw;
            }
            if (parsed)
            {
                reader.AdvanceTo(consumed);
                ReturnTimeout();
                return _head;
            }
            reader.AdvanceTo(consumed, buffer.End);
            if (result.IsCompleted)
            {
                if (buffer.IsEmpty || IsOnlyBlankLines(buffer)) return null;
                HttpRejection.Throw(RequestRejectionReason.ClosedInRequestHead);
            }
        }
    }

    private static bool IsOnlyBlankLines(ReadOnlySequence<byte> buffer)
    {
        foreach (var s in buffer)
        {
            if (s.Span.ContainsAnyExcept((byte)'\r', (byte)'\n')) return false;
        }
        return true;
    }

    /// <summary>
    /// Reads the whole body into the connection's <see cref="BodyBuffer"/> (valid while the handler runs). The minimum
    /// data rate is an average from the start of the body: after the grace period, the bytes received so far must be at
    /// least <see cref="HttpServerLimits.MinRequestBodyDataRate"/> times the seconds elapsed (Kestrel's rule), else 408.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(PipeReader reader, HttpRequestHead head)
    {
        _body.Clear();
        if (!head.Chunked && (head.ContentLength ?? 0) == 0) return ReadOnlyMemory<byte>.Empty;
        var length = head.ContentLength ?? 0;
        if (length > limits.MaxRequestBodySize) HttpRejection.Throw(RequestRejectionReason.RequestBodyTooLarge);
        var chunked = head.Chunked ? _chunked ??= new ChunkedBody() : null;
        chunked?.Reset(_body, limits);
        // Room for the whole body up front, but only up to a modest size: a client that announces a megabyte and
        // sends it slowly does not pin a megabyte per connection before its bytes arrive.
        if (chunked is null) _body.Reserve((int)Math.Min(length, ReserveUpFront));
        var started = Stopwatch.GetTimestamp();
        long consumedBefore = 0, received = 0;
        while (true)
        {
            var result = await ReadBodyChunkAsync(reader, started, received).ConfigureAwait(false);
            var buffer = result.Buffer;
            received = consumedBefore + buffer.Length;
            if (chunked is null)
            {
                // Taken as it arrives: the input pipe holds less than a large body.
                var take = Math.Min(length - _body.Count, buffer.Length);
                _body.Append(buffer.Slice(0, take));
                consumedBefore += take;
                reader.AdvanceTo(buffer.GetPosition(take));
                if (_body.Count == length) return _body.Written;
            }
            else
            {
                SequencePosition used;
                try
                {
                    used = chunked.Feed(buffer);
                }
                catch
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    throw;
                }
                if (chunked.IsDone)
                {
                    reader.AdvanceTo(used);
                    return _body.Written;
                }
                consumedBefore += buffer.Slice(0, used).Length;
                reader.AdvanceTo(used, buffer.End);
            }
            if (result.IsCompleted) HttpRejection.Throw(RequestRejectionReason.ClosedInRequestBody);
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadBodyChunkAsync(PipeReader reader, long started, long received)
    {
        // The next bytes must arrive before the average falls below the minimum rate, and not before the grace ends.
        var timeout = RentTimeout(BodyReadTimeout(Stopwatch.GetElapsedTime(started), received));
        try
        {
            var result = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            ReturnTimeout();
            return result;
        }
        catch (OperationCanceledException) when (!serverStopping.IsCancellationRequested)
        {
            throw HttpRejection.Create(RequestRejectionReason.RequestBodyTimeout);
        }
    }

    private TimeSpan BodyReadTimeout(TimeSpan elapsed, long received)
    {
        if (limits.MinRequestBodyDataRate <= 0) return Timeout.InfiniteTimeSpan;
        var left = DataRate.Deadline(limits.MinRequestBodyDataRateGracePeriod, received, limits.MinRequestBodyDataRate) - elapsed.TotalSeconds;
        // Already past the deadline (the last bytes came just as it passed): the read is cancelled at once, 408.
        return left > 0 ? TimeSpan.FromSeconds(left) : TimeSpan.Zero;
    }

    private CancellationTokenSource RentTimeout(TimeSpan after)
    {
        if (_timeout is { IsCancellationRequested: true })
        {
            _timeout.Dispose();
            _timeout = null;
        }
        var timeout = _timeout ??= CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        timeout.CancelAfter(after);
        return timeout;
    }

    // A timeout that did not fire is reset for the next read; one that fired is replaced.
    private void ReturnTimeout()
    {
        if (_timeout is null) return;
        _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
        if (!_timeout.TryReset())
        {
            _timeout.Dispose();
            _timeout = null;
        }
    }

    private async Task RejectAsync(PipeWriter writer, HttpRejection rejection)
    {
        logger.LogDebug("rejected a request from {Remote}: {Status} {Reason}", _remote, rejection.Status, rejection.Message);
        rejected?.Invoke(rejection.Status, rejection.Code);
        var body = Encoding.UTF8.GetBytes($$"""{"error":"{{rejection.Message}}","code":"{{rejection.Code}}"}""");
        var response = new HttpResponse(writer, _watchdog, head: false, http11: true, keepAlive: false)
        {
            StatusCode = rejection.Status,
            ContentType = "application/json",
        };
        await response.WriteAsync(body).ConfigureAwait(false);
    }
}
