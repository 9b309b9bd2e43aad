using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RogerRat.Http.Server;

namespace RogerRat.Tests.Webhooks;

/// <summary>A real webhook receiver on 127.0.0.1 (the repo's own server): it records every POST, checks its signature
/// with the secret it is given, and answers the status <see cref="Respond"/> chooses.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpServer _server;
    private readonly SemaphoreSlim _arrived = new(0);

    private WebhookReceiver()
    {
        _server = new HttpServer(new HttpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, HandleAsync);
    }

    public sealed record Hit(string WebhookId, long Timestamp, string Signature, byte[] Body, int Status)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
        public string Text => Json.GetProperty("message").GetProperty("text").GetString()!;
        public long MessageId => Json.GetProperty("message").GetProperty("id").GetInt64();
    }

    /// <summary>Every request in arrival order, with the status it got.</summary>
    public ConcurrentQueue<Hit> Hits { get; } = new();

    /// <summary>The status to answer, given the message text and how many requests came before this one.</summary>
    public Func<string, int, int> Respond { get; set; } = static (_, _) => 200;

    /// <summary>Completed when the first request has arrived (before <see cref="Gate"/> holds it).</summary>
    public TaskCompletionSource FirstArrival { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Awaited before answering (a slow receiver).</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    public string Url => $"http://{_server.LocalEndPoint}/hook";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var r = new WebhookReceiver();
        await r._server.StartAsync();
        return r;
    }

    private async ValueTask HandleAsync(HttpContext c)
    {
        var body = c.Request.Body.ToArray();
        var text = JsonDocument.Parse(body).RootElement.GetProperty("message").GetProperty("text").GetString()!;
        var status = Respond(text, Hits.Count);
        FirstArrival.TrySetResult();
        await Gate;
        Hits.Enqueue(new Hit(c.Request.Header("X-RogerRat-Webhook-Id") ?? "", long.Parse(c.Request.Header("X-RogerRat-Timestamp") ?? "0"),
            c.Request.Header("X-RogerRat-Signature") ?? "", body, status));
        _arrived.Release();
        c.Response.StatusCode = status;
        c.Response.ContentType = "text/plain";
        await c.Response.WriteAsync("ok"u8.ToArray());
    }

    /// <summary>Waits until <paramref name="done"/> holds over the hits, or fails after <paramref name="seconds"/>.</summary>
    public async Task WaitUntil(Func<Hit[], bool> done, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!done(Hits.ToArray()))
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, $"timed out; {Hits.Count} hits: {string.Join(", ", Hits.Select(h => $"{h.Text}={h.Status}"))}");
            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The receiver's side of PROTOCOL §4, written independently of the hub's signer.</summary>
    public static bool Verifies(Hit hit, string secret)
    {
        var signed = Encoding.UTF8.GetBytes($"{hit.Timestamp}.").Concat(hit.Body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(hit.Signature));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _arrived.Dispose();
    }
}
