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
    private readonly byte[] _chunked = [.. Encoding.ASCII.GetBytes($"POST /echo HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{s_body.Length:x}\r\n"), .. s_body, .. "\r\n0\r\n\r\n"u8];
    private readonly byte[] _buffer = new byte[4096];
    private HttpServer _server = null!;
    private Socket _client = null!;
    private HttpServer _parkingServer = null!;
    private Socket _parkingClient = null!;
    private HttpServer _routedServer = null!;
    private Socket _routedClient = null!;
    private int _responseLength;

    [GlobalSetup]
    public void Setup()
    {
        _server = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, static async c =>
        {
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(s_body);
        });
        // Same answer, but the handler goes async first, the way a long-poll does, so the connection's disconnect
        // watch runs while it waits.
        _parkingServer = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, static async c =>
        {
            await Task.Yield();
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(s_body);
        });
        // Same answer through HttpRouter, behind routes of other methods and routes with captures.
        var router = new HttpRouter()
            .Map("POST", "/api/channels/{id}/send", static (_, _) => ValueTask.CompletedTask)
            .Map("GET", "/api/channels/{id}/listen", static (_, _) => ValueTask.CompletedTask)
            .Map("POST", "/hello", static (_, _) => ValueTask.CompletedTask)
            .Map("GET", "/hello", static async (c, _) =>
            {
                c.Response.ContentType = "application/json";
                await c.Response.WriteAsync(s_body);
            });
        _routedServer = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, router.HandleAsync);
        _client = Connect(_server);
        _parkingClient = Connect(_parkingServer);
        _routedClient = Connect(_routedServer);
        _client.Send(_get);
        _responseLength = _client.Receive(_buffer); // a response fits one read on loopback; its length is fixed
    }

    private static Socket Connect(HttpServer server)
    {
        server.StartAsync().GetAwaiter().GetResult();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(server.LocalEndPoint);
        return client;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _parkingClient.Dispose();
        _routedClient.Dispose();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _parkingServer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _routedServer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public int Get_keep_alive() => RoundTrip(_get);

    /// <summary>A small POST whose handler answers a prebuilt body of the same length (the body is read, not echoed).</summary>
    [Benchmark]
    public int Post_keep_alive() => RoundTrip(_post);

    /// <summary>The same POST with a chunked body (decoded into the connection's reused body buffer).</summary>
    [Benchmark]
    public int Post_chunked_keep_alive() => RoundTrip(_chunked);

    /// <summary>A GET whose handler goes async, as a long-poll does: the server watches the socket meanwhile.</summary>
    [Benchmark]
    public int Get_parked_keep_alive() => RoundTrip(_get, _parkingClient);

    /// <summary>The GET dispatched by <see cref="HttpRouter"/> to its route.</summary>
    [Benchmark]
    public int Get_routed_keep_alive() => RoundTrip(_get, _routedClient);

    private int RoundTrip(byte[] request) => RoundTrip(request, _client);

    private int RoundTrip(byte[] request, Socket client)
    {
        client.Send(request);
        var read = 0;
        while (read < _responseLength) read += client.Receive(_buffer, read, _buffer.Length - read, SocketFlags.None);
        return read;
    }
}
