using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace RogerRat.Http.Server;

/// <summary>
/// The response of one request. Either one <see cref="WriteAsync"/> with the whole body (Content-Length), or a stream
/// (<see cref="StartStreamAsync"/>, <see cref="WriteStreamAsync"/>, <see cref="EndStreamAsync"/>; chunked on HTTP/1.1,
/// close-delimited on HTTP/1.0) for SSE. Each write reports whether its bytes were handed to the socket.
/// </summary>
internal sealed class HttpResponse
{
    private readonly PipeWriter _writer;
    private readonly SendWatchdog _watchdog;
    private bool _head;
    private bool _http11;
    private readonly List<KeyValuePair<string, string>> _headers = [];
    private HttpHeaderBlock? _headerBlock;
    private bool _chunked;

    private readonly CancellationToken _serverDraining;

    internal HttpResponse(PipeWriter writer, SendWatchdog watchdog, bool head, bool http11, bool keepAlive, CancellationToken serverDraining = default)
    {
        _serverDraining = serverDraining;
        _writer = writer;
        _watchdog = watchdog;
        Reset(head, http11, keepAlive);
    }

    // One per connection, reset for each request.
    internal void Reset(bool head, bool http11, bool keepAlive)
    {
        _head = head;
        _http11 = http11;
        KeepAlive = keepAlive;
        StatusCode = 200;
        ContentType = null;
        HasStarted = IsCompleted = _chunked = false;
        Succeeded = true;
        _headers.Clear();
        _headerBlock = null;
    }

    /// <summary><c>application/json</c>, whose header line is written from bytes encoded once.</summary>
    public const string JsonContentType = "application/json";

    public int StatusCode { get; set; } = 200;
    public string? ContentType { get; set; }
    public bool HasStarted { get; private set; }
    public bool IsCompleted { get; private set; }

    /// <summary>False once the response asked to close the connection (or the request did).</summary>
    public bool KeepAlive { get; private set; }

    /// <summary>Whether every byte written so far reached the socket.</summary>
    public bool Succeeded { get; private set; } = true;

    public void AddHeader(string name, string value)
    {
        if (HasStarted) throw new InvalidOperationException("headers already sent");
        if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
        {
            if (value.Equals("close", StringComparison.OrdinalIgnoreCase)) KeepAlive = false;
            return;
        }
        _headers.Add(new(name, value));
    }

    /// <summary>Adds headers encoded once for many responses; written before those of <see cref="AddHeader"/>. One block
    /// per response.</summary>
    public void AddHeaderBlock(HttpHeaderBlock block)
    {
        if (HasStarted) throw new InvalidOperationException("headers already sent");
        if (_headerBlock is not null) throw new InvalidOperationException("one header block per response");
        _headerBlock = block;
    }

    /// <summary>Writes the whole response; true when it was fully handed to the socket. The body is copied into the
    /// connection's output before this returns, so the caller may reuse or return its buffer without awaiting.</summary>
    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        if (HasStarted) throw new InvalidOperationException("response already started");
        WriteHead(body.Length, chunked: false);
        if (!_head && HasBody(StatusCode)) _writer.Write(body.Span);
        IsCompleted = true;
        return await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts a streamed body (SSE); the head is flushed at once.</summary>
    public ValueTask<bool> StartStreamAsync(CancellationToken cancellationToken = default)
    {
        if (HasStarted) throw new InvalidOperationException("response already started");
        _chunked = _http11;
        if (!_http11) KeepAlive = false; // HTTP/1.0: the body ends when the connection closes
        WriteHead(-1, _chunked);
        return FlushAsync(cancellationToken);
    }

    public ValueTask<bool> WriteStreamAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (!HasStarted || IsCompleted) throw new InvalidOperationException("no open stream");
        if (data.IsEmpty || _head) return new ValueTask<bool>(Succeeded);
        if (_chunked)
        {
            WriteAscii(data.Length.ToString("x", CultureInfo.InvariantCulture));
            _writer.Write("\r\n"u8);
            _writer.Write(data.Span);
            _writer.Write("\r\n"u8);
        }
        else _writer.Write(data.Span);
        return FlushAsync(cancellationToken);
    }

    public ValueTask<bool> EndStreamAsync(CancellationToken cancellationToken = default)
    {
        if (!HasStarted || IsCompleted) return new ValueTask<bool>(Succeeded);
        IsCompleted = true;
        if (_chunked && !_head) _writer.Write("0\r\n\r\n"u8);
        return FlushAsync(cancellationToken);
    }

    internal void ForceClose() => KeepAlive = false;

    private void WriteHead(long contentLength, bool chunked)
    {
        HasStarted = true;
        if (_serverDraining.IsCancellationRequested) KeepAlive = false; // draining: this is the connection's last response
        if (_http11 && StatusCode == 200) _writer.Write("HTTP/1.1 200 OK"u8);
        else
        {
            _writer.Write(_http11 ? "HTTP/1.1 "u8 : "HTTP/1.0 "u8);
            WriteNumber(StatusCode);
            _writer.Write(" "u8);
            WriteAscii(StatusText.For(StatusCode));
        }
        _writer.Write("\r\nDate: "u8);
        _writer.Write(DateHeader.Utf8);
        _writer.Write("\r\nServer: rogerrat\r\n"u8);
        // The content type nearly every answer has, written without encoding or checking it again.
        if (ContentType == JsonContentType) _writer.Write("Content-Type: application/json\r\n"u8);
        else if (ContentType is not null) WriteHeader("Content-Type", ContentType);
        if (chunked) _writer.Write("Transfer-Encoding: chunked\r\n"u8);
        else if (contentLength >= 0 && StatusCode is not (< 200 or 204 or 304))
        {
            _writer.Write("Content-Length: "u8);
            WriteNumber(contentLength);
            _writer.Write("\r\n"u8);
        }
        if (_headerBlock is not null) _writer.Write(_headerBlock.Bytes);
        foreach (var (name, value) in _headers) WriteHeader(name, value);
        if (!KeepAlive) _writer.Write("Connection: close\r\n"u8);
        else if (!_http11) _writer.Write("Connection: keep-alive\r\n"u8);
        _writer.Write("\r\n"u8);
    }

    private void WriteHeader(string name, string value)
    {
        WriteAscii(name);
        _writer.Write(": "u8);
        // Header values never carry CR or LF: a handler cannot split the response.
        WriteAscii(value.Contains('\r') || value.Contains('\n') ? value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal) : value);
        _writer.Write("\r\n"u8);
    }

    // Numbers straight into the pipe: no string per response.
    private void WriteNumber(long value)
    {
        var span = _writer.GetSpan(20);
        value.TryFormat(span, out var written, provider: CultureInfo.InvariantCulture);
        _writer.Advance(written);
    }

    private void WriteAscii(string s)
    {
        var span = _writer.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length));
        var n = Encoding.UTF8.GetBytes(s, span);
        _writer.Advance(n);
    }

    private static bool HasBody(int status) => status is >= 200 and not 204 and not 304;

    private async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
    {
        if (!Succeeded) return false;
        try
        {
            var result = await _watchdog.FlushAsync(_writer, cancellationToken).ConfigureAwait(false);
            Succeeded = !result.IsCanceled && !result.IsCompleted;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException
                                       or System.Net.Sockets.SocketException)
        {
            Succeeded = false;
        }
        if (!Succeeded) KeepAlive = false;
        return Succeeded;
    }
}

/// <summary>The <c>Date</c> header value, formatted at most once a second (as text and as the bytes a response writes).</summary>
internal static class DateHeader
{
    private sealed record Stamp(long Second, string Value, byte[] Utf8);

    private static Stamp s_stamp = new(-1, "", []);

    public static string Value => Current().Value;

    public static ReadOnlySpan<byte> Utf8 => Current().Utf8;

    // One object per second, swapped in whole: a reader never pairs one second's text with another's bytes.
    private static Stamp Current()
    {
        var now = DateTimeOffset.UtcNow;
        var second = now.ToUnixTimeSeconds();
        var stamp = Volatile.Read(ref s_stamp);
        if (stamp.Second == second) return stamp;
        var text = now.ToString("r", CultureInfo.InvariantCulture);
        stamp = new Stamp(second, text, Encoding.ASCII.GetBytes(text));
        Volatile.Write(ref s_stamp, stamp);
        return stamp;
    }
}
