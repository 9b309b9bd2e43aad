using System.Net;
using System.Text;
using RogerRat.Http.Server;
using RogerRat.Mcp;

namespace RogerRat.McpFixture;

/// <summary>
/// The conformance fixture: an MCP server built only from RogerRat.Mcp that registers the tools, resources and prompts
/// the official conformance suite (@modelcontextprotocol/conformance) expects. CI runs the suite against it.
/// usage: RogerRat.McpFixture [port]   (serves http://127.0.0.1:&lt;port&gt;/mcp; 0 picks a free port and prints it)
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var port = args.Length > 0 && int.TryParse(args[0], out var p) ? p : 0;
        var sessions = new McpSessionStore(TimeProvider.System, maxSessions: 1000, idleLifetime: TimeSpan.FromMinutes(30));
        var endpoint = new McpEndpoint(sessions);
        var definition = ConformanceServer.Definition();
        var origin = "";
        var server = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, port) }, async context =>
        {
            if (context.Request.Path is not ("/mcp" or "/mcp/"))
            {
                context.Response.StatusCode = 404;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"error":"not found","code":"not_found"}"""u8.ToArray());
                return;
            }
            if (!McpOrigins.IsAllowed(context.Request.Header("Origin"), origin, []))
            {
                context.Response.StatusCode = 403;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"origin not allowed"}}"""));
                return;
            }
            await endpoint.HandleAsync(context, definition, "");
        });
        await server.StartAsync();
        origin = $"http://{server.LocalEndPoint}";
        Console.WriteLine($"{origin}/mcp");
        var stop = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.TrySetResult();
        });
        await stop.Task;
        await server.DisposeAsync();
        return 0;
    }
}
