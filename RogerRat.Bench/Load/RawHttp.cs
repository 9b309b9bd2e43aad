using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace RogerRat.Bench.Load;

/// <summary>A response as the harness needs it: status, body, and when its last byte arrived.</summary>
internal readonly record struct RawResponse(int Status, byte[] Body, long ReceivedAt);

/// <summary>
/// One keep-alive HTTP/1.1 connection on a raw socket, async (no thread per connection), one request at a time.
/// Reads Content-Length and chunked bodies. Source addresses are spread over 127.0.0.x when one address's ephemeral
/// ports run short (<see cref="SourceFor"/>).
/// </summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket) => _socket = socket;

    /// <summary>Connections per source address before the next one (a loopback address has ~28k ephemeral ports).</summary>
    public const int ConnectionsPerSource = 16_000;

    public static IPAddress? SourceFor(IPEndPoint server, int index) =>
        IPAddress.IsLoopback(server.Address) && server.AddressFamily == AddressFamily.InterNetwork
            ? new IPAddress([127, 0, 0, (byte)(1 + ((index / ConnectionsPerSource) % 250))])
            : null;

    public static async Task<RawHttpConnection> ConnectAsync(IPEndPoint server, IPAddress? source, CancellationToken ct = default)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null)
            {
                // IP_BIND_ADDRESS_NO_PORT: pick the port at connect, per 4-tuple, so a bound source address does not
                // use up its ports on bind.
                if (OperatingSystem.IsLinux()) socket.SetRawSocketOption(0, 24, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(source, 0));
            }
            await socket.ConnectAsync(server, ct).ConfigureAwait(false);
            return new RawHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static byte[] Request(string method, string pathAndQuery, string? bearer, string? sessionId, string? jsonBody)
    {
        var sb = new StringBuilder(256);
        sb.Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if (bearer is not null) sb.Append("Authorization: Bearer ").Append(bearer).Append("\r\n");
        if (sessionId is not null) sb.Append("X-Session-Id: ").Append(sessionId).Append("\r\n");
        if (jsonBody is not null)
        {
            sb.Append("Content-Type: application/json\r\nContent-Length: ").Append(Encoding.UTF8.GetByteCount(jsonBody)).Append("\r\n\r\n").Append(jsonBody);
        }
        else
        {
            sb.Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public async Task<RawResponse> SendAsync(byte[] request, CancellationToken ct = default)
    {
        var sent = 0;
        while (sent < request.Length) sent += await _socket.SendAsync(request.AsMemory(sent), SocketFlags.None, ct).ConfigureAwait(false);

        // Head.
        int headEnd;
        while ((headEnd = IndexOfHeadEnd()) < 0) await FillAsync(ct).ConfigureAwait(false);
        var head = _buffer.AsSpan(_start, headEnd - _start);
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _)) throw new IOException("bad status line");
        long contentLength = -1;
        var chunked = false;
        var close = false;
        foreach (var range in head.Split("\r\n"u8))
        {
            var line = head[range];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8)) Utf8Parser.TryParse(value, out contentLength, out _);
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8)) chunked = value.IndexOf("chunked"u8) >= 0;
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8)) close = Ascii.EqualsIgnoreCase(value, "close"u8);
        }
        _start = headEnd + 4;

        byte[] body;
        if (chunked)
        {
            using var ms = new MemoryStream();
            while (true)
            {
                int lineEnd;
                while ((lineEnd = IndexOfCrlf(_start)) < 0) await FillAsync(ct).ConfigureAwait(false);
                var sizeLine = _buffer.AsSpan(_start, lineEnd - _start);
                var semi = sizeLine.IndexOf((byte)';');
                if (semi >= 0) sizeLine = sizeLine[..semi];
                if (!Utf8Parser.TryParse(sizeLine, out int size, out _, 'x')) throw new IOException("bad chunk size");
                _start = lineEnd + 2;
                if (size == 0)
                {
                    while ((lineEnd = IndexOfCrlf(_start)) < 0) await FillAsync(ct).ConfigureAwait(false);
                    _start = lineEnd + 2; // no trailers expected: the empty line
                    break;
                }
                while (_end - _start < size + 2) await FillAsync(ct).ConfigureAwait(false);
                ms.Write(_buffer, _start, size);
                _start += size + 2;
            }
            body = ms.ToArray();
        }
        else
        {
            var length = (int)Math.Max(0, contentLength);
            while (_end - _start < length) await FillAsync(ct).ConfigureAwait(false);
            body = _buffer.AsSpan(_start, length).ToArray();
            _start += length;
        }
        var at = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_start == _end) _start = _end = 0;
        if (close) _socket.Shutdown(SocketShutdown.Both);
        return new RawResponse(status, body, at);
    }

    private int IndexOfHeadEnd()
    {
        var i = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
        return i < 0 ? -1 : _start + i;
    }

    private int IndexOfCrlf(int from)
    {
        var i = _buffer.AsSpan(from, _end - from).IndexOf("\r\n"u8);
        return i < 0 ? -1 : from + i;
    }

    private async Task FillAsync(CancellationToken ct)
    {
        if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }
        var n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false);
        if (n == 0) throw new IOException("connection closed by the server");
        _end += n;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Raises this process's open-file soft limit to its hard limit (the harness holds one fd per connection).</summary>
internal static partial class FileLimit
{
    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Cur;
        public ulong Max;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in RLimit limit);

    private const int RlimitNofile = 7;

    /// <summary>The soft limit after raising it (and trying to raise the hard one to <paramref name="wanted"/>).</summary>
    public static long Raise(long wanted)
    {
        if (!OperatingSystem.IsLinux()) return long.MaxValue;
        if (getrlimit(RlimitNofile, out var l) != 0) return -1;
        // Root with CAP_SYS_RESOURCE may raise the hard limit too; otherwise the soft one goes up to the hard one.
        var want = new RLimit { Cur = (ulong)wanted, Max = Math.Max(l.Max, (ulong)wanted) };
        if (setrlimit(RlimitNofile, want) != 0)
        {
            setrlimit(RlimitNofile, new RLimit { Cur = l.Max, Max = l.Max });
        }
        getrlimit(RlimitNofile, out l);
        return (long)l.Cur;
    }
}
