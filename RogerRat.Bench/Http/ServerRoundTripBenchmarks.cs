using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using RogerRat.Http.Server;

namespace RogerRat.Bench.Http;

/// <summary>
/// One keep-alive request/response round trip through the whole server (socket, pipe, parser, handler, writer) with a
/// handler that answers a prebuilt body, measured from a raw socket client that allocates nothing itself: the
/// Allocated column is what the server spends per request (process-wide).
/// </summary>
[MemoryDiagnoser]
public class ServerRoundTripBenchmarks
{
    private static readonly byte[] s_body = """{"ok":true,"service":"rogerrat","message":"hello"}"""u8.ToArray();
    private readonly byte[] _get = Encoding.ASCII.GetBytes("GET /hello HTTP/1.1\r\nHost: bench\r\nAccept: */*\r\n\r\n");
    private readonly byte[] _post = [.. Encoding.ASCII.GetBytes($"POST /echo HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nContent-Length: {s_body.Length}\r\n\r\n"), .. s_body];
    private readonly byte[] _buffer = new byte[4096];
    private HttpServer _server = null!;
    private Socket _client = null!;
    private int _responseLength;

    [GlobalSetup]
    public void Setup()
    {
        _server = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, static async c =>
        {
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(s_body);
        });
        _server.StartAsync().GetAwaiter().GetResult();
        _client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _client.Connect(_server.LocalEndPoint);
        _client.Send(_get);
        _responseLength = _client.Receive(_buffer); // a response fits one read on loopback; its length is fixed
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public int Get_keep_alive() => RoundTrip(_get);

    /// <summary>A small POST whose handler answers a prebuilt body of the same length (the body is read, not echoed).</summary>
    [Benchmark]
    public int Post_keep_alive() => RoundTrip(_post);

    private int RoundTrip(byte[] request)
    {
        _client.Send(request);
        var read = 0;
        while (read < _responseLength) read += _client.Receive(_buffer, read, _buffer.Length - read, SocketFlags.None);
        return read;
    }
}
