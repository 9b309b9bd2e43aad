using System.Net;
using System.Text;
using System.Text.Json;
using RogerRat.Http.Server;
using RogerRat.Mcp;

namespace RogerRat.Tests.Mcp;

/// <summary>List methods page with nextCursor; a bad cursor is -32602.</summary>
public class McpPaginationTests
{
    [Fact]
    public async Task Tools_resources_and_prompts_page_through_next_cursor()
    {
        var tools = Enumerable.Range(0, 7).Select(i => new McpTool($"t{i}", "d", """{"type":"object"}""", _ => new(new McpToolResult { Text = "x" }))).ToArray();
        var definition = new McpServerDefinition
        {
            Name = "paging",
            Version = "1",
            PageSize = 3,
            Tools = _ => tools,
            Resources = Enumerable.Range(0, 4).Select(i => new McpResource($"test://r{i}", $"r{i}", "text/plain", () => "x", "d")).ToArray(),
        };
        var endpoint = new McpEndpoint(new McpSessionStore(TimeProvider.System, 10, TimeSpan.FromMinutes(5)));
        var server = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, c => endpoint.HandleAsync(c, definition, ""));
        await server.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://{server.LocalEndPoint}") };
            async Task<(JsonElement Json, HttpResponseMessage Raw)> Post(string body, string? sid)
            {
                var req = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                req.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
                if (sid is not null) req.Headers.Add("Mcp-Session-Id", sid);
                var res = await http.SendAsync(req);
                return (JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.Clone(), res);
            }
            var init = await Post("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}""", null);
            var sid = init.Raw.Headers.GetValues("Mcp-Session-Id").Single();

            var names = new List<string>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var p = cursor is null ? "{}" : $$"""{"cursor":"{{cursor}}"}""";
                var page = (await Post($$"""{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{{p}}}""", sid)).Json.GetProperty("result");
                names.AddRange(page.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!));
                cursor = page.TryGetProperty("nextCursor", out var next) ? next.GetString() : null;
                pages++;
            } while (cursor is not null);
            Assert.Equal(3, pages);
            Assert.Equal(tools.Select(t => t.Name), names);

            var resources = (await Post("""{"jsonrpc":"2.0","id":3,"method":"resources/list","params":{"cursor":"3"}}""", sid)).Json.GetProperty("result");
            Assert.Equal("test://r3", resources.GetProperty("resources")[0].GetProperty("uri").GetString());
            Assert.False(resources.TryGetProperty("nextCursor", out _));

            var bad = (await Post("""{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"cursor":"zzz"}}""", sid)).Json;
            Assert.Equal(-32602, bad.GetProperty("error").GetProperty("code").GetInt32());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
