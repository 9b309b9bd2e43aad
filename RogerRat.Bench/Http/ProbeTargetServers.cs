using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RogerRat.Http.Server;

namespace RogerRat.Bench.Http;

/// <summary>
/// The app HTTP/1.1 compliance probes (Http11Probe, h1spec) expect behind a server, served by RogerRat.Http and by
/// Kestrel so both are scored on the same routes: <c>GET /</c> answers "OK", <c>POST /</c> echoes the body,
/// <c>POST /echo</c> lists the request headers one per line (what the normalization tests read back). OPTIONS and
/// HEAD come from each server's own routing.
/// </summary>
internal static class ProbeTargetServers
{
    public static async Task RunRogerRatAsync(int port)
    {
        var router = new HttpRouter()
            .Map("GET", "/", static (c, _) => WriteText(c, "OK"u8.ToArray()))
            .Map("POST", "/", static (c, _) => WriteText(c, c.Request.Body))
            .Map("POST", "/echo", static (c, _) => WriteText(c, Encoding.Latin1.GetBytes(HeaderLines(c.Request.Headers))));
        var server = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, port) }, router.HandleAsync);
        await ComparisonServers.ServeUntilStoppedAsync(server, "rogerrat probe target");
    }

    public static async Task RunKestrelAsync(int port)
    {
        var app = ComparisonServers.SlimKestrel(port);
        app.MapGet("/", () => "OK");
        app.MapMethods("/", ["OPTIONS"], (Microsoft.AspNetCore.Http.HttpContext ctx) =>
        {
            ctx.Response.Headers.Allow = "GET, HEAD, POST, OPTIONS";
            return Results.NoContent();
        });
        app.MapPost("/", async (Microsoft.AspNetCore.Http.HttpContext ctx) =>
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.Latin1);
            return Results.Text(await reader.ReadToEndAsync());
        });
        app.MapPost("/echo", (Microsoft.AspNetCore.Http.HttpContext ctx) =>
            Results.Text(HeaderLines(ctx.Request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? ""))))));
        await app.StartAsync();
        Console.WriteLine($"kestrel probe target on 127.0.0.1:{port}");
        await ComparisonServers.WaitForStopAsync();
        await app.StopAsync();
    }

    private static string HeaderLines(IEnumerable<KeyValuePair<string, string>> headers) =>
        string.Concat(headers.Select(h => $"{h.Key}: {h.Value}\n"));

    private static async ValueTask WriteText(RogerRat.Http.Server.HttpContext c, ReadOnlyMemory<byte> body)
    {
        c.Response.ContentType = "text/plain; charset=utf-8";
        await c.Response.WriteAsync(body);
    }
}
