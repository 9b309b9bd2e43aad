using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RogerRat.Http.Server;

namespace RogerRat.Bench.Http;

/// <summary>
/// The tiny app served by both servers in the throughput comparison: <c>GET /hello</c> answers a small JSON,
/// <c>POST /echo</c> answers the body it got. Both run until Ctrl-C or SIGTERM.
/// </summary>
internal static class ComparisonServers
{
    private static readonly byte[] s_hello = """{"ok":true,"service":"rogerrat","message":"hello"}"""u8.ToArray();

    public static async Task RunRogerRatAsync(int port)
    {
        // Routed as Kestrel's side is (MapGet/MapPost); unknown paths 404, other methods 405, as there.
        var router = new HttpRouter()
            .Map("GET", "/hello", static async (c, _) =>
            {
                c.Response.ContentType = "application/json";
                await c.Response.WriteAsync(s_hello);
            })
            .Map("POST", "/echo", static async (c, _) =>
            {
                c.Response.ContentType = "application/json";
                await c.Response.WriteAsync(c.Request.Body);
            });
        var server = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, port) }, router.HandleAsync);
        await ServeUntilStoppedAsync(server, "rogerrat");
    }

    internal static async Task ServeUntilStoppedAsync(HttpServer server, string name)
    {
        await server.StartAsync();
        Console.WriteLine($"{name} listening on {server.LocalEndPoint}");
        await WaitForStopAsync();
        await server.DisposeAsync();
    }

    /// <summary>A minimal Kestrel app on 127.0.0.1:<paramref name="port"/>, logging off.</summary>
    internal static WebApplication SlimKestrel(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        return builder.Build();
    }

    public static async Task RunKestrelAsync(int port)
    {
        var app = SlimKestrel(port);
        app.MapGet("/hello", async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            await ctx.Response.Body.WriteAsync(s_hello);
        });
        app.MapPost("/echo", async ctx =>
        {
            ctx.Response.ContentType = "application/json";
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms);
            ctx.Response.ContentLength = ms.Length;
            await ctx.Response.Body.WriteAsync(ms.GetBuffer().AsMemory(0, (int)ms.Length));
        });
        await app.StartAsync();
        Console.WriteLine($"kestrel listening on 127.0.0.1:{port}");
        await WaitForStopAsync();
        await app.StopAsync();
    }

    internal static Task WaitForStopAsync()
    {
        var stop = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
        System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.TrySetResult();
        });
        return stop.Task;
    }
}
