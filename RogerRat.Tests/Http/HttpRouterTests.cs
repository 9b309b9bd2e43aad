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
        Assert.Contains("Allow: GET, DELETE, HEAD", r);
    }

    [Theory]
    [InlineData("OPTIONS /api/channels/x HTTP/1.1", "Allow: GET, DELETE, OPTIONS, HEAD")]
    [InlineData("OPTIONS /api/channels/x/join HTTP/1.1", "Allow: POST, OPTIONS")]
    [InlineData("OPTIONS * HTTP/1.1", "Allow: GET, POST, DELETE, OPTIONS, HEAD")]
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
