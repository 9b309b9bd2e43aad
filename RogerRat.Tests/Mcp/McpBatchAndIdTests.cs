using System.Net;
using System.Text;
using System.Text.Json;
using RogerRat.Http.Server;
using RogerRat.Mcp;
using RogerRat.Tests.Integration;
using static RogerRat.Tests.Mcp.McpProtocolTests;

namespace RogerRat.Tests.Mcp;

/// <summary>A batch does to each message what the message alone would do; an id we cannot read is answered as null.</summary>
public class McpBatchAndIdTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_response_resolves_the_server_request_alone_or_in_a_batch(bool batched)
    {
        var definition = new McpServerDefinition
        {
            Name = "asking",
            Version = "1",
            StreamToolCalls = true,
            Tools = _ =>
            [
                new McpTool("ask", "asks the user", """{"type":"object"}""", async c =>
                {
                    var answer = await c.RequestClient("elicitation/create", static w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("message"u8, "name?");
                        w.WriteEndObject();
                    }, c.Aborted);
                    return new McpToolResult { Text = "answered: " + answer.GetProperty("result").GetProperty("action").GetString() };
                }),
            ],
        };
        var endpoint = new McpEndpoint(new McpSessionStore(TimeProvider.System, 10, TimeSpan.FromMinutes(5)));
        var server = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, c => endpoint.HandleAsync(c, definition, ""));
        await server.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://{server.LocalEndPoint}"), Timeout = TimeSpan.FromSeconds(30) };
            HttpRequestMessage Request(string body, string? sid)
            {
                var req = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                req.Headers.TryAddWithoutValidation("Accept", "application/json, text/event-stream");
                if (sid is not null) req.Headers.Add("Mcp-Session-Id", sid);
                return req;
            }
            // 2025-03-26 is the version with batches; the single message takes the same path in any version.
            using var init = await http.SendAsync(Request("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}""", null));
            var sid = init.Headers.GetValues("Mcp-Session-Id").Single();

            using var call = await http.SendAsync(Request("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask","arguments":{}}}""", sid),
                HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal("text/event-stream", call.Content.Headers.ContentType?.MediaType);
            using var events = new StreamReader(await call.Content.ReadAsStreamAsync());
            var asked = await NextMessage(events);
            Assert.Equal("elicitation/create", asked.GetProperty("method").GetString());
            var id = asked.GetProperty("id").GetString();

            var response = "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"result\":{\"action\":\"accept\"}}";
            using var posted = await http.SendAsync(Request(batched ? $$"""[{{response}},{"jsonrpc":"2.0","id":3,"method":"ping"}]""" : response, sid));
            if (batched)
            {
                Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
                var answers = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(3, Assert.Single(answers.EnumerateArray()).GetProperty("id").GetInt32());
            }
            else
            {
                Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
            }

            var result = await NextMessage(events).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(2, result.GetProperty("id").GetInt32());
            Assert.Equal("answered: accept", result.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_batch_of_only_client_responses_is_accepted_with_202()
    {
        await using var hub = await LiveHub.StartAsync();
        var sid = await Initialize(hub, "2025-03-26");
        var r = await Post(hub, """[{"jsonrpc":"2.0","id":"s41","result":{}},{"jsonrpc":"2.0","id":"s42","error":{"code":-1,"message":"no"}}]""", sid);
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        Assert.Equal("", r.Body);
    }

    public static TheoryData<string> InvalidIds => ["1e400", "123456789012345678901234567890", "1.5", "-0.25", """{"n":1}""", "[1]", "true", "false"];

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public async Task An_invalid_id_is_answered_as_null_never_echoed(string id)
    {
        await using var hub = await LiveHub.StartAsync();
        var r = await Post(hub, $$"""{"jsonrpc":"2.0","id":{{id}},"method":"ping"}""");
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal(-32600, r.Json.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, r.Json.GetProperty("id").ValueKind);
        Assert.DoesNotContain(id, r.Body.Replace("\"id\":null", ""));
    }

    [Theory]
    [MemberData(nameof(InvalidIds))]
    public async Task An_invalid_id_in_a_batch_is_answered_as_null_and_the_rest_is_answered(string id)
    {
        await using var hub = await LiveHub.StartAsync();
        var sid = await Initialize(hub, "2025-03-26");
        var r = await Post(hub, $$"""[{"jsonrpc":"2.0","id":{{id}},"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]""", sid);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        var answers = r.Json.EnumerateArray().ToArray();
        Assert.Equal(2, answers.Length);
        Assert.Equal(JsonValueKind.Null, answers[0].GetProperty("id").ValueKind);
        Assert.Equal(-32600, answers[0].GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(2, answers[1].GetProperty("id").GetInt32());
        Assert.True(answers[1].TryGetProperty("result", out _));
    }

    [Fact]
    public async Task A_valid_id_of_an_otherwise_invalid_message_is_echoed_alone_and_in_a_batch()
    {
        await using var hub = await LiveHub.StartAsync();
        var single = await Post(hub, """{"jsonrpc":"1.0","id":"x7","method":"ping"}""");
        Assert.Equal(-32600, single.Json.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("x7", single.Json.GetProperty("id").GetString());
        var sid = await Initialize(hub, "2025-03-26");
        var batch = await Post(hub, """[{"jsonrpc":"1.0","id":9,"method":"ping"}]""", sid);
        Assert.Equal(9, Assert.Single(batch.Json.EnumerateArray()).GetProperty("id").GetInt64());
    }

    // The next event's JSON, skipping the priming event (empty data).
    private static async Task<JsonElement> NextMessage(StreamReader events)
    {
        while (await events.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Length > "data: ".Length)
                return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
        }
        throw new InvalidOperationException("the event stream ended");
    }
}
