using System.Text;
using RogerRat.Http.Server;

namespace RogerRat.Tests.Http;

public class HttpRouterTests
{
    private static HttpRouter Router() => new HttpRouter()
        .Map("GET", "/api/channels/{id}", async (c, v) => await c.Response.WriteAsync(Encoding.UTF8.GetBytes($"info {v["id"]}")))
        .Map("POST", "/api/channels/{id}/join", async (c, v) => await c.Response.WriteAsync(Encoding.UTF8.GetBytes($"join {v["id"]}")))
        .Map("DELETE", "/api/channels/{id}", async (c, v) => await c.Response.WriteAsync(Encoding.UTF8.GetBytes($"delete {v["id"]}")));

    [Theory]
    [InlineData("GET /api/channels/quiet-otter HTTP/1.1", 200, "info quiet-otter")]
    [InlineData("GET /api/channels/a%20b HTTP/1.1", 200, "info a b")]
    [InlineData("HEAD /api/channels/x HTTP/1.1", 200, "")]
    [InlineData("POST /api/channels/x/join HTTP/1.1", 200, "join x")]
    [InlineData("GET /api/channels/x/join HTTP/1.1", 405, "method_not_allowed")]
    [InlineData("PUT /api/channels/x HTTP/1.1", 405, "method_not_allowed")]
    [InlineData("GET /api/channels HTTP/1.1", 404, "not_found")]
    [InlineData("GET /nope HTTP/1.1", 404, "not_found")]
    public async Task Routes_match_capture_and_refuse(string requestLine, int status, string body)
    {
        var router = Router();
        await using var h = await RawHttp.StartAsync(router.HandleAsync);
        var r = await h.ExchangeAsync($"{requestLine}\r\nHost: t\r\nConnection: close\r\n\r\n");
        Assert.Equal(status, RawHttp.Status(r));
        Assert.Contains(body, r);
        if (status == 405) Assert.Matches("Allow: [A-Z, ]+", r);
    }

    [Fact]
    public async Task Allow_lists_the_methods_of_matching_routes()
    {
        await using var h = await RawHttp.StartAsync(Router().HandleAsync);
        var r = await h.ExchangeAsync("PUT /api/channels/x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        Assert.Contains("Allow: GET, HEAD, DELETE", r);
    }

    [Theory]
    [InlineData("OPTIONS /api/channels/x HTTP/1.1", "Allow: GET, HEAD, DELETE, OPTIONS")]
    [InlineData("OPTIONS /api/channels/x/join HTTP/1.1", "Allow: POST, OPTIONS")]
    [InlineData("OPTIONS * HTTP/1.1", "Allow: GET, HEAD, POST, DELETE, OPTIONS")]
    public async Task Options_answers_204_with_the_allowed_methods(string requestLine, string allow)
    {
        await using var h = await RawHttp.StartAsync(Router().HandleAsync);
        var r = await h.ExchangeAsync($"{requestLine}\r\nHost: t\r\nConnection: close\r\n\r\n");
        Assert.Equal(204, RawHttp.Status(r));
        Assert.Contains(allow + "\r\n", r);
        Assert.DoesNotContain("Content-Length", r);
    }

    [Fact]
    public async Task Options_on_an_unknown_path_is_404()
    {
        await using var h = await RawHttp.StartAsync(Router().HandleAsync);
        var r = await h.ExchangeAsync("OPTIONS /nope HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        Assert.Equal(404, RawHttp.Status(r));
    }
}

public class HttpRouterAllocationTests
{
    [Theory]
    [InlineData("GET /api/v1/info HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("HEAD /api/v1/info?x=1 HTTP/1.1\r\nHost: t\r\n\r\n")]
    [InlineData("GET http://t/api/v1/info HTTP/1.1\r\nHost: t\r\n\r\n")]
    public void Dispatching_to_a_route_without_captures_allocates_nothing(string request)
    {
        var handled = 0;
        var router = new HttpRouter()
            .Map("GET", "/api/channels/{id}", (_, _) => throw new InvalidOperationException("wrong route"))
            .Map("POST", "/api/v1/info", (_, _) => throw new InvalidOperationException("wrong method"))
            .Map("GET", "/api/v1/info", (_, _) =>
            {
                handled++;
                return ValueTask.CompletedTask;
            });
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        var head = new HttpRequestHead();
        Assert.True(HttpParser.TryParseHead(new System.Buffers.ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(request)), new HttpServerLimits(), head, out _));
        var parsed = new HttpRequest(null);
        parsed.Reset(head, ReadOnlyMemory<byte>.Empty);
        var pipe = new System.IO.Pipelines.Pipe();
        var limits = new HttpServerLimits();
        var response = new HttpResponse(pipe.Writer, new SendWatchdog(socket, limits, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, null), head: false, http11: true, keepAlive: true);
        var context = new HttpContext(parsed, response);
        Assert.True(router.HandleAsync(context).IsCompletedSuccessfully); // warm: the context's route values are made once
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) _ = router.HandleAsync(context).IsCompletedSuccessfully;
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101, handled);
    }

    [Fact]
    public async Task Captures_are_decoded_and_a_segment_count_mismatch_is_404()
    {
        var router = new HttpRouter()
            .Map("GET", "/a/{x}/b", async (c, v) => await c.Response.WriteAsync(Encoding.UTF8.GetBytes($"x={v["x"]}")))
            .Map("GET", "/", async (c, _) => await c.Response.WriteAsync("root"u8.ToArray()));
        await using var h = await RawHttp.StartAsync(router.HandleAsync);
        Assert.EndsWith("x=%2F y", await h.ExchangeAsync("GET /a/%252F%20y/b HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
        Assert.EndsWith("root", await h.ExchangeAsync("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
        Assert.EndsWith("root", await h.ExchangeAsync("GET http://t HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
        foreach (var target in new[] { "/a/x", "/a/x/b/c", "/a//b", "/a/x/c", "/x" })
        {
            var r = await h.ExchangeAsync($"GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            Assert.Equal(404, RawHttp.Status(r));
        }
    }
}
