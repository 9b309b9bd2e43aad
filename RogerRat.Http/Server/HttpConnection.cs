using System.Buffers;
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
/// <item>The loop owns the reader and the writer; nothing else touches them, except the disconnect watch below, which
/// the loop starts and always ends before it reads again.</item>
/// <item>While a handler awaits, a read on the connection watches for EOF or a reset and cancels the handler's token
/// (a parked long-poll learns at once that its client is gone). Bytes that arrive meanwhile (a pipelined request) are
/// left in the pipe, unconsumed.</item>
/// <item>Malformed input is answered once with a complete error response and <c>Connection: close</c>.</item>
/// </list>
/// </summary>
internal sealed class HttpConnection(Socket socket, HttpServerLimits limits, HttpHandler handler, ILogger logger, CancellationToken serverStopping)
{
    private static readonly byte[] s_continue = "HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray();

    private readonly IPEndPoint? _remote = socket.RemoteEndPoint as IPEndPoint;

    // One head, request, response and context per connection, reused for each request once the previous handler has
    // finished; cancellation sources too, while they were not cancelled.
    private readonly HttpRequestHead _head = new();
    private HttpRequest? _request;
    private HttpResponse? _response;
    private HttpContext? _context;
    private CancellationTokenSource? _aborted;
    private CancellationTokenSource? _timeout;
    private byte[] _body = [];

    public async Task RunAsync()
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
        try
        {
            var first = true;
            while (!serverStopping.IsCancellationRequested)
            {
                var keepGoing = await ServeOneAsync(reader, writer, first).ConfigureAwait(false);
                first = false;
                if (!keepGoing) break;
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
            _aborted?.Dispose();
            _timeout?.Dispose();
            if (_body.Length > 0) System.Buffers.ArrayPool<byte>.Shared.Return(_body);
            await reader.CompleteAsync().ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <returns>True to read another request on this connection.</returns>
    // The per-request async methods use pooled builders: a kept-alive connection's requests allocate no state machines.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ServeOneAsync(PipeReader reader, PipeWriter writer, bool first)
    {
        HttpRequestHead head;
        ReadOnlyMemory<byte> body;
        try
        {
            var h = await ReadHeadAsync(reader, first).ConfigureAwait(false);
            if (h is null) return false; // clean close or idle timeout
            head = h;
            if (head.ExpectContinue && (head.ContentLength > 0 || head.Chunked))
            {
                if (head.ContentLength > limits.MaxRequestBodySize) throw new HttpRejection(413, "payload_too_large", "request body too large");
                await writer.WriteAsync(s_continue).ConfigureAwait(false);
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
        var keepAlive = head.KeepAlive && !serverStopping.IsCancellationRequested;
        var response = _response ??= new HttpResponse(writer, head.IsHead, head.MinorVersion == 1, keepAlive, serverStopping);
        response.Reset(head.IsHead, head.MinorVersion == 1, keepAlive);
        var aborted = _aborted ??= CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        var context = _context ??= new HttpContext(request, response);
        context.Reset(aborted.Token);

        var handling = InvokeHandlerAsync(context);
        if (!handling.IsCompleted) await WatchWhileHandlingAsync(reader, handling, aborted).ConfigureAwait(false);
        await handling.ConfigureAwait(false);

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
        var again = response.KeepAlive && response.Succeeded && !aborted.IsCancellationRequested;
        if (!aborted.TryReset())
        {
            aborted.Dispose();
            _aborted = null;
        }
        return again;
    }

    private async Task InvokeHandlerAsync(HttpContext context)
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

    // Long-poll awareness: a read that completes with EOF or fails means the client is gone.
    private static async Task WatchWhileHandlingAsync(PipeReader reader, Task handling, CancellationTokenSource aborted)
    {
        var watch = reader.ReadAsync().AsTask();
        var done = await Task.WhenAny(handling, watch).ConfigureAwait(false);
        if (done == watch)
        {
            try
            {
                var result = await watch.ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    aborted.Cancel();
                }
                reader.AdvanceTo(result.Buffer.Start); // keep any pipelined bytes, unexamined, for the loop
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                aborted.Cancel();
            }
            return;
        }
        reader.CancelPendingRead();
        try
        {
            var result = await watch.ConfigureAwait(false);
            reader.AdvanceTo(result.Buffer.Start);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            aborted.Cancel();
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<HttpRequestHead?> ReadHeadAsync(PipeReader reader, bool first)
    {
        // Idle (keep-alive) timeout until the first byte, then the request-headers timeout for the rest of the head.
        var timeout = RentTimeout(first ? limits.RequestHeadersTimeout : limits.KeepAliveTimeout);
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
                if (sawBytes) throw new HttpRejection(408, "request_timeout", "request headers not received in time");
                return null;
            }
            var buffer = result.Buffer;
            if (!sawBytes && !buffer.IsEmpty)
            {
                sawBytes = true;
                if (!first) timeout.CancelAfter(limits.RequestHeadersTimeout);
            }
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
                throw HttpRejection.BadRequest("connection closed in the middle of a request head");
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

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ReadBodyAsync(PipeReader reader, HttpRequestHead head)
    {
        if (head.Chunked) return await ReadChunkedAsync(reader).ConfigureAwait(false);
        var length = head.ContentLength ?? 0;
        if (length == 0) return ReadOnlyMemory<byte>.Empty;
        if (length > limits.MaxRequestBodySize) throw new HttpRejection(413, "payload_too_large", "request body too large");
        while (true)
        {
            var result = await ReadBodyChunkAsync(reader).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= length)
            {
                // Copied into the connection's body buffer: valid while the handler runs, reused by the next request.
                if (_body.Length < length)
                {
                    if (_body.Length > 0) System.Buffers.ArrayPool<byte>.Shared.Return(_body);
                    _body = System.Buffers.ArrayPool<byte>.Shared.Rent((int)length);
                }
                buffer.Slice(0, length).CopyTo(_body);
                reader.AdvanceTo(buffer.GetPosition(length));
                return _body.AsMemory(0, (int)length);
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted) throw HttpRejection.BadRequest("connection closed before the whole body arrived");
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReadChunkedAsync(PipeReader reader)
    {
        var chunked = new ChunkedBody(limits.MaxRequestBodySize);
        while (true)
        {
            var result = await ReadBodyChunkAsync(reader).ConfigureAwait(false);
            SequencePosition used;
            try
            {
                used = chunked.Feed(result.Buffer);
            }
            catch
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                throw;
            }
            if (chunked.IsDone)
            {
                reader.AdvanceTo(used);
                return chunked.Body;
            }
            reader.AdvanceTo(used, result.Buffer.End);
            if (result.IsCompleted) throw HttpRejection.BadRequest("connection closed before the whole body arrived");
        }
    }

    // Minimum body data rate, simplified: every read of the body must bring bytes within the grace period.
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadResult> ReadBodyChunkAsync(PipeReader reader)
    {
        var timeout = RentTimeout(limits.MinRequestBodyDataRateGracePeriod);
        try
        {
            var result = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            ReturnTimeout();
            return result;
        }
        catch (OperationCanceledException) when (!serverStopping.IsCancellationRequested)
        {
            throw new HttpRejection(408, "request_timeout", "request body arrived too slowly");
        }
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
        var body = Encoding.UTF8.GetBytes($$"""{"error":"{{rejection.Message}}","code":"{{rejection.Code}}"}""");
        var response = new HttpResponse(writer, head: false, http11: true, keepAlive: false)
        {
            StatusCode = rejection.Status,
            ContentType = "application/json",
        };
        await response.WriteAsync(body).ConfigureAwait(false);
    }
}
