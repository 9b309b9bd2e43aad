using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RogerRat.Bench.Baseline;
using RogerRat.Bench.Http;
using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Api;

namespace RogerRat.Bench.Load;

/// <summary>
/// The two Kestrel hubs the load harness compares the <c>rogerrat</c> binary with, on 127.0.0.1:port, speaking the REST
/// subset the harness uses (create, join, send, listen, healthz) with the same JSON shapes:
/// <list type="bullet">
/// <item><c>serve-kestrel-core</c>: Kestrel + minimal-API routes over RogerRat.Core's engine and the very same
/// <see cref="HubService"/> calls RestApi makes (commands, WireJson, RestErrors, commit-on-write); only the HTTP server differs, so it isolates ours.</item>
/// <item><c>serve-kestrel-locked</c>: the afternoon-sized hub: Kestrel + minimal API + System.Text.Json over
/// <see cref="LockedChannelBaseline"/> (one lock per channel, a TaskCompletionSource per parked listen).</item>
/// </list>
/// </summary>
internal static class KestrelHubs
{
    public static async Task RunCoreAsync(int port, int maxSessionsPerChannel)
    {
        var app = ComparisonServers.SlimKestrel(port);
        using var hub = new Hub(new HubOptions { MaxSessionsPerChannel = maxSessionsPerChannel, MaxCallsignsPerChannel = 2 * maxSessionsPerChannel });
        var service = new HubService(hub, new HubServiceOptions { Origin = $"http://127.0.0.1:{port}" });
        const string client = "127.0.0.1";

        // Mirrors RestApi: parse the body into a command, call HubService, write WireJson; HubException -> RestErrors.
        RequestDelegate Guarded(Func<HttpContext, Task> handler) => async ctx =>
        {
            try
            {
                await handler(ctx);
            }
            catch (HubException e)
            {
                await WriteAsync(ctx, WireJson.Error(e.Error), RestErrors.Status(e.Reason));
            }
        };
        Channel Authorized(HttpContext ctx) =>
            service.AuthorizedChannel((string)ctx.Request.RouteValues["id"]!, HubService.Bearer(ctx.Request.Headers.Authorization.ToString()));
        string Sid(HttpContext ctx) =>
            ctx.Request.Headers["X-Session-Id"].ToString() is { Length: > 0 } s ? s : throw new HubException(HubErrors.SessionHeaderRequiredFromJoin);

        app.MapPost("/api/channels", Guarded(async ctx =>
        {
            CreateCommand command;
            using (var body = RequestBody.Parse(await ReadBodyAsync(ctx.Request))) command = CreateCommand.Read(body);
            var created = await service.CreateChannelAsync(command, Presets.Resolve(ctx.Request.Host.Value), client, ctx.RequestAborted);
            await WriteAsync(ctx, WireJson.Write(created.Connect, static (w, info) => info.Write(w)));
        }));
        app.MapPost("/api/channels/{id}/join", Guarded(async ctx =>
        {
            var channel = Authorized(ctx);
            JoinCommand command;
            using (var body = RequestBody.Parse(await ReadBodyAsync(ctx.Request)))
                command = JoinCommand.Read(body, ctx.Request.Headers["X-Session-Id"].FirstOrDefault(), ctx.Request.Headers["X-Identity-Key"].FirstOrDefault());
            var joined = await service.JoinAsync(channel, command, client, ctx.RequestAborted);
            await WriteAsync(ctx, WireJson.Write(joined, static (w, j) =>
            {
                w.WriteStartObject();
                w.WriteString("session_id"u8, j.Result.SessionId);
                w.WriteString("callsign"u8, j.Result.Callsign);
                WireJson.Strings(w, "roster"u8, j.Result.Roster);
                WireJson.Messages(w, "history"u8, j.Result.History);
                w.WriteEndObject();
            }));
        }));
        app.MapPost("/api/channels/{id}/send", Guarded(async ctx =>
        {
            var channel = Authorized(ctx);
            var sid = Sid(ctx);
            SendCommand command;
            using (var body = RequestBody.Parse(await ReadBodyAsync(ctx.Request))) command = SendCommand.Read(body, ctx.Request.Headers["Idempotency-Key"].FirstOrDefault());
            var sent = await service.SendAsync(channel, sid, command, client, ctx.RequestAborted);
            await WriteAsync(ctx, WireJson.Write(sent.Result, static (w, res) =>
            {
                w.WriteStartObject();
                w.WriteBoolean("ok"u8, true);
                w.WriteNumber("id"u8, res.Message.Id);
                w.WriteNumber("at"u8, res.Message.At);
                w.WriteBoolean("queued"u8, res.Queued);
                w.WriteString("to"u8, res.Message.To);
                w.WriteEndObject();
            }));
        }));
        app.MapGet("/api/channels/{id}/listen", Guarded(async ctx =>
        {
            var channel = Authorized(ctx);
            var sid = Sid(ctx);
            var q = ctx.Request.Query;
            var listened = await service.ListenAsync(channel, sid,
                new ListenCommand(false, q.TryGetValue("timeout", out var t) ? t.ToString() : null, q.TryGetValue("since", out var since) ? since.ToString() : null),
                ctx.RequestAborted);
            var written = false;
            try
            {
                written = await WriteAsync(ctx, WireJson.Write(listened, static (w, l) => l.Write(w)));
            }
            finally
            {
                await listened.CompleteAsync(written && !ctx.RequestAborted.IsCancellationRequested);
            }
        }));
        app.MapGet("/healthz", HealthzAsync);
        await RunAsync(app, "kestrel-core", port);
    }

    private static readonly byte[] s_ok = "ok"u8.ToArray();

    // The hub's /healthz as it answers it (status, Content-Type, its six security headers, body), so that wrk on
    // /healthz compares the two HTTP servers and nothing else; only Date and Server differ ("Kestrel" vs "rogerrat").
    private static Task HealthzAsync(HttpContext ctx)
    {
        foreach (var (name, value) in HubServer.SecurityHeaders) ctx.Response.Headers[name] = value;
        ctx.Response.ContentType = "text/plain; charset=UTF-8";
        ctx.Response.ContentLength = s_ok.Length;
        return ctx.Response.Body.WriteAsync(s_ok, ctx.RequestAborted).AsTask();
    }

    // Flushed to the transport: as near to "the socket took it" as Kestrel says. False when the client is gone.
    private static async Task<bool> WriteAsync(HttpContext ctx, byte[] body, int status = 200)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = body.Length;
        try
        {
            await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
            await ctx.Response.CompleteAsync();
            return true;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)  // Kestrel's ConnectionResetException is an IOException
        {
            return false;
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var ms = new MemoryStream();
        await request.Body.CopyToAsync(ms);
        return ms.ToArray();
    }

    // ---- the naive hub -------------------------------------------------------------------------------------------

    private sealed class NaiveChannel(string token)
    {
        public string Token { get; } = token;
        public LockedChannelBaseline Engine { get; } = new();
        public ConcurrentDictionary<string, string> SessionsById { get; } = new(StringComparer.Ordinal);
        public ConcurrentDictionary<string, string> SessionsByCallsign { get; } = new(StringComparer.Ordinal);
    }

    internal sealed record JoinBody(string? Callsign);
    internal sealed record SendBody(string? To, string? Message);
    internal sealed record WireMessage(long Id, string From, string To, string Text);

    public static async Task RunLockedAsync(int port, int maxSessionsPerChannel)
    {
        var app = ComparisonServers.SlimKestrel(port);
        var json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        var channels = new ConcurrentDictionary<string, NaiveChannel>(StringComparer.Ordinal);
        IResult Error(int status, string code, string message) => Results.Json(new { error = code, message }, json, statusCode: status);
        NaiveChannel? Authorized(HttpContext ctx, string id) =>
            channels.TryGetValue(id, out var ch) && ctx.Request.Headers.Authorization.ToString() == $"Bearer {ch.Token}" ? ch : null;

        app.MapPost("/api/channels", () =>
        {
            var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            channels[id] = new NaiveChannel(token);
            return Results.Json(new { channel_id = id, join_token = token }, json);
        });
        app.MapPost("/api/channels/{id}/join", async (HttpContext ctx, string id) =>
        {
            if (Authorized(ctx, id) is not { } ch) return Error(401, "unauthorized", "bad channel or token");
            var body = await ctx.Request.ReadFromJsonAsync<JoinBody>(json);
            if (string.IsNullOrEmpty(body?.Callsign)) return Error(400, "invalid", "callsign required");
            if (!ch.SessionsByCallsign.TryGetValue(body.Callsign, out var sid))
            {
                if (ch.SessionsById.Count >= maxSessionsPerChannel) return Error(409, "channel_full", "channel full");
                sid = Guid.NewGuid().ToString();
                ch.SessionsByCallsign[body.Callsign] = sid;
                ch.SessionsById[sid] = body.Callsign;
                ch.Engine.Join(body.Callsign);
            }
            return Results.Json(new { session_id = sid, callsign = body.Callsign, roster = Array.Empty<string>() }, json);
        });
        app.MapPost("/api/channels/{id}/send", async (HttpContext ctx, string id) =>
        {
            if (Authorized(ctx, id) is not { } ch) return Error(401, "unauthorized", "bad channel or token");
            if (!ch.SessionsById.TryGetValue(ctx.Request.Headers["X-Session-Id"].ToString(), out var from)) return Error(400, "invalid", "unknown session");
            var body = await ctx.Request.ReadFromJsonAsync<SendBody>(json);
            if (string.IsNullOrEmpty(body?.To) || body.Message is null) return Error(400, "invalid", "to and message required");
            var msgId = ch.Engine.Send(from, body.To, body.Message);
            return Results.Json(new { ok = true, id = msgId, at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), queued = false, to = body.To }, json);
        });
        app.MapGet("/api/channels/{id}/listen", async (HttpContext ctx, string id, double? timeout) =>
        {
            if (Authorized(ctx, id) is not { } ch) return Error(401, "unauthorized", "bad channel or token");
            if (!ch.SessionsById.TryGetValue(ctx.Request.Headers["X-Session-Id"].ToString(), out var callsign)) return Error(400, "invalid", "unknown session");
            var pending = await ch.Engine.ListenAsync(callsign, TimeSpan.FromSeconds(Math.Clamp(timeout ?? 30, 1, 60)));
            var messages = pending.Select(m => new WireMessage(m.Id, m.From, m.To, m.Text)).ToList();
            return Results.Json(new { messages, timed_out = messages.Count == 0, cursor = messages.Count > 0 ? messages[^1].Id : 0 }, json);
        });
        app.MapGet("/healthz", HealthzAsync);
        await RunAsync(app, "kestrel-locked", port);
    }

    private static async Task RunAsync(WebApplication app, string name, int port)
    {
        await app.StartAsync();
        Console.WriteLine($"{name} listening on 127.0.0.1:{port}");
        await ComparisonServers.WaitForStopAsync();
        await app.StopAsync();
    }
}
