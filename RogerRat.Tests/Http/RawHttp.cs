using System.Net;
using System.Net.Sockets;
using System.Text;
using RogerRat.Http.Server;

namespace RogerRat.Tests.Http;

/// <summary>A server on 127.0.0.1:0 and a raw socket client, for byte-exact HTTP tests.</summary>
internal sealed class RawHttp : IAsyncDisposable
{
    public HttpServer Server { get; }

    private RawHttp(HttpServer server) => Server = server;

    public static async Task<RawHttp> StartAsync(HttpHandler handler, Action<HttpServerLimits>? limits = null)
    {
        var options = new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        limits?.Invoke(options.Limits);
        var server = new HttpServer(options, handler);
        await server.StartAsync();
        return new RawHttp(server);
    }

    /// <summary>An echo app: answers method, path, query and body so tests can see what the server parsed.</summary>
    public static ValueTask Echo(HttpContext c)
    {
        c.Response.ContentType = "text/plain";
        var text = $"{c.Request.Method} {c.Request.Path} q={c.Request.QueryString} body={Encoding.UTF8.GetString(c.Request.Body.Span)}";
        return WriteText(c, text);
    }

    private static async ValueTask WriteText(HttpContext c, string text) => await c.Response.WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task<Socket> ConnectAsync()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(Server.LocalEndPoint);
        return s;
    }

    /// <summary>Sends raw bytes and reads until the server closes or <paramref name="timeout"/> passes.</summary>
    public async Task<string> ExchangeAsync(string request, TimeSpan? timeout = null)
    {
        using var s = await ConnectAsync();
        await s.SendAsync(Encoding.Latin1.GetBytes(request), SocketFlags.None);
        return await ReadAllAsync(s, timeout ?? TimeSpan.FromSeconds(5));
    }

    public static async Task<string> ReadAllAsync(Socket s, TimeSpan timeout)
    {
        var sb = new StringBuilder();
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0) break;
                sb.Append(Encoding.Latin1.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
        return sb.ToString();
    }

    /// <summary>Reads until <paramref name="count"/> complete responses (by Content-Length) have arrived.</summary>
    public static async Task<List<string>> ReadResponsesAsync(Socket s, int count, TimeSpan timeout)
    {
        var data = new StringBuilder();
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(timeout);
        var responses = new List<string>();
        while (responses.Count < count)
        {
            int n;
            try
            {
                n = await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (n == 0) break;
            data.Append(Encoding.Latin1.GetString(buffer, 0, n));
            while (TrySplit(data, out var one)) responses.Add(one);
        }
        return responses;
    }

    private static bool TrySplit(StringBuilder data, out string response)
    {
        response = "";
        var text = data.ToString();
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        var head = text[..end];
        var length = 0;
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line[15..].Trim());
        }
        if (head.StartsWith("HTTP/1.1 100", StringComparison.Ordinal)) length = 0;
        if (text.Length < end + 4 + length) return false;
        response = text[..(end + 4 + length)];
        data.Remove(0, response.Length);
        return true;
    }

    public static int Status(string response) => response.Length >= 12 ? int.Parse(response.AsSpan(9, 3)) : 0;

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
