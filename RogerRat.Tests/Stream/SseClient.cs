using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Stream;

/// <summary>One SSE frame: its event name, the parsed data and the id line (if any).</summary>
internal sealed record SseFrame(string Event, JsonElement Data, long? Id);

/// <summary>
/// A raw-socket client for <c>GET …/stream</c>: it reads the status line and headers, then decodes the chunked body
/// into SSE frames (comments such as <c>: ping</c> are counted, not returned).
/// </summary>
internal sealed class SseClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[16384];
    private readonly StringBuilder _body = new(); // de-chunked, not yet framed
    private byte[] _raw = [];
    private bool _headersRead;
    private bool _eof;

    private SseClient(Socket socket) => _socket = socket;

    public int Status { get; private set; }
    public string Head { get; private set; } = "";
    public int Pings { get; private set; }

    public static Task<SseClient> OpenAsync(LiveHub hub, string target, params string[] headers) => OpenAsync(hub, target, receiveBuffer: 0, headers);

    /// <param name="receiveBuffer">The socket's receive buffer in bytes (0: the system's), small for a client that stops reading.</param>
    public static async Task<SseClient> OpenAsync(LiveHub hub, string target, int receiveBuffer, params string[] headers)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBuffer > 0) s.ReceiveBufferSize = receiveBuffer;
        await s.ConnectAsync(hub.Server.LocalEndPoint);
        var head = new StringBuilder($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        foreach (var h in headers) head.Append(h).Append("\r\n");
        head.Append("\r\n");
        await s.SendAsync(Encoding.ASCII.GetBytes(head.ToString()), SocketFlags.None);
        var client = new SseClient(s);
        await client.ReadHeadAsync();
        return client;
    }

    /// <summary>The next frame, or null when the server closed the stream first.</summary>
    public async Task<SseFrame?> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (TryTakeFrame(out var frame)) return frame;
            if (_eof) return null;
            await ReceiveAsync(cts.Token);
            Dechunk();
        }
    }

    /// <summary>Frames until the server closes the stream.</summary>
    public async Task<List<SseFrame>> RestAsync(TimeSpan? timeout = null)
    {
        var frames = new List<SseFrame>();
        while (await NextAsync(timeout) is { } f) frames.Add(f);
        return frames;
    }

    /// <summary>A plain (Content-Length) body, as an error before any stream has.</summary>
    public async Task<string> ReadBodyAsync()
    {
        var m = System.Text.RegularExpressions.Regex.Match(Head, @"Content-Length: (\d+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        var length = m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Encoding.UTF8.GetByteCount(_body.ToString()) < length && !_eof)
        {
            await ReceiveAsync(cts.Token);
            Dechunk();
        }
        return _body.ToString();
    }

    /// <summary>True once the server has closed the connection (drains whatever is still buffered).</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        try
        {
            while (!_eof) await ReceiveAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Cuts the connection at once (RST), as a crashed client or a network failure would.</summary>
    public void Cut()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReadHeadAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var text = Encoding.Latin1.GetString(_raw);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                Head = text[..end];
                Status = int.Parse(Head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                _raw = _raw[(end + 4)..];
                _headersRead = true;
                if (Head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) Dechunk();
                else
                {
                    _body.Append(Encoding.UTF8.GetString(_raw));
                    _raw = [];
                }
                return;
            }
            if (_eof) throw new InvalidOperationException("closed before the headers: " + text);
            await ReceiveAsync(cts.Token);
        }
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        int n;
        try
        {
            n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, ct);
        }
        catch (SocketException)
        {
            n = 0;
        }
        if (n == 0)
        {
            _eof = true;
            return;
        }
        _raw = [.. _raw, .. _buffer.AsSpan(0, n)];
        if (!_headersRead) return;
    }

    private void Dechunk()
    {
        if (!_headersRead || !Head.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            if (_headersRead && _raw.Length > 0)
            {
                _body.Append(Encoding.UTF8.GetString(_raw));
                _raw = [];
            }
            return;
        }
        while (true)
        {
            var text = Encoding.Latin1.GetString(_raw);
            var line = text.IndexOf("\r\n", StringComparison.Ordinal);
            if (line < 0) return;
            var size = Convert.ToInt32(text[..line], 16);
            if (size == 0)
            {
                _eof = true;
                _raw = [];
                return;
            }
            if (_raw.Length < line + 2 + size + 2) return;
            _body.Append(Encoding.UTF8.GetString(_raw, line + 2, size));
            _raw = _raw[(line + 2 + size + 2)..];
        }
    }

    private bool TryTakeFrame(out SseFrame? frame)
    {
        frame = null;
        while (true)
        {
            var text = _body.ToString();
            var end = text.IndexOf("\n\n", StringComparison.Ordinal);
            if (end < 0) return false;
            var block = text[..end];
            _body.Remove(0, end + 2);
            if (block.StartsWith(':'))
            {
                Pings++;
                continue;
            }
            string name = "message", data = "";
            long? id = null;
            foreach (var l in block.Split('\n'))
            {
                if (l.StartsWith("event: ", StringComparison.Ordinal)) name = l[7..];
                else if (l.StartsWith("data: ", StringComparison.Ordinal)) data = l[6..];
                else if (l.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(l[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            frame = new SseFrame(name, JsonDocument.Parse(data).RootElement.Clone(), id);
            return true;
        }
    }
}
