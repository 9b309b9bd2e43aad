using System.Text;
using Microsoft.Extensions.Logging;
using RogerRat.Core;
using RogerRat.Http.Api;
using RogerRat.Http.Server;
using RogerRat.Mcp.Tools;

namespace RogerRat.Mcp;

/// <summary>Settings of the hub's MCP endpoints.</summary>
public sealed class McpHubOptions
{
    /// <summary>Most MCP sessions at once; past it initialize answers 503.</summary>
    public int MaxSessions { get; set; } = 10_000;

    /// <summary>Idle lifetime of an MCP session (the channel session TTL's default).</summary>
    public TimeSpan SessionIdleLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Origins allowed besides the hub's own and loopback ones (<c>--allow-origin</c>).</summary>
    public List<string> AllowedOrigins { get; } = [];

    /// <summary>Batch and subscription limits of the MCP endpoints.</summary>
    public McpEndpointLimits Limits { get; } = new();
}

/// <summary>Mounts <c>/mcp</c> (unified) and <c>/mcp/&lt;channel_id&gt;</c> (legacy) on a <see cref="HubServer"/>.</summary>
public static class McpHubExtensions
{
    public static HubServer AddMcp(this HubServer server, McpHubOptions? options = null)
    {
        // A session ended with DELETE takes its callsign with it, as the leave tool would (the session id is the
        // channel session id): the roster is right at once and a listen parked on it answers now.
        void LeaveJoinedChannel(McpSession session)
        {
            var channelId = session.Endpoint.Length > 0 ? session.Endpoint : session.BoundChannel;
            if (channelId is not null && server.Hub.TryGetChannel(channelId, out var channel)) channel.Leave(session.Id);
        }

        options ??= new McpHubOptions();
        var api = server.Api;
        var sessions = new McpSessionStore(server.Hub.Time, options.MaxSessions, options.SessionIdleLifetime);
        var logger = server.Options.LoggerFactory.CreateLogger("RogerRat.Mcp");
        var endpoint = new McpEndpoint(sessions, logger, c => api.ClientAddress(c.Request.RemoteEndPoint?.Address, c.Request.Header("X-Forwarded-For")),
            options.Limits, LeaveJoinedChannel);
        var tools = new HubTools(api);
        var unified = new Dictionary<HubMode, McpServerDefinition>();
        foreach (var mode in Enum.GetValues<HubMode>())
        {
            var list = tools.Unified(mode);
            unified[mode] = new McpServerDefinition
            {
                Name = "rogerrat",
                Version = api.Options.Version,
                Instructions = _ => tools.UnifiedInstructions(),
                Tools = _ => list,
            };
        }
        var perChannel = new System.Collections.Concurrent.ConcurrentDictionary<string, McpServerDefinition>(StringComparer.Ordinal);
        var gc = server.Hub.Time.CreateTimer(static s => ((McpSessionStore)s!).Collect(), sessions, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        server.Mount("/mcp", async context =>
        {
            GC.KeepAlive(gc);
            if (!OriginAllowed(context.Request.Header("Origin"), api.Options.Origin, options.AllowedOrigins))
            {
                await Json(context, 403, """{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"origin not allowed"}}""").ConfigureAwait(false);
                return;
            }
            var path = context.Request.Path;
            if (path == "/mcp" || path == "/mcp/")
            {
                if (api.Options.HubToken is { } hubToken && !HasHubToken(context, hubToken))
                {
                    await Json(context, 401, """{"error":"this hub requires its token: Authorization: Bearer <hub token>","code":"unauthorized"}""").ConfigureAwait(false);
                    return;
                }
                await endpoint.HandleAsync(context, unified[HubModes.FromHost(context.Request.Header("Host"))], "").ConfigureAwait(false);
                return;
            }

            var id = path["/mcp/".Length..].TrimEnd('/'); // the path is decoded once already
            if (!server.Hub.TryGetChannel(id, out var channel))
            {
                await Json(context, 404, """{"error":"channel not found","code":"not_found"}""").ConfigureAwait(false);
                return;
            }
            if (context.Request.Method == "GET" && !(context.Request.Header("Accept") ?? "").Contains("application/json", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(Encoding.UTF8.GetBytes(
                    $"This is a JSON-RPC (MCP Streamable HTTP) endpoint for channel {id}: POST to it from an MCP client, not a browser.\n"
                    + $"Add it with: claude mcp add --transport http rogerrat {api.Options.Origin}/mcp/{id} --header \"Authorization: Bearer <token>\"\n"
                    + $"Docs: {api.Options.Origin}/llms.txt\n")).ConfigureAwait(false);
                return;
            }
            if (!ChannelAuthorized(context, channel, api.Options.HubToken))
            {
                await Json(context, 401, """{"error":"invalid bearer token","code":"unauthorized"}""").ConfigureAwait(false);
                return;
            }
            var definition = perChannel.GetOrAdd(id, static (cid, t) =>
            {
                var list = t.tools.ForChannel(cid);
                return new McpServerDefinition
                {
                    Name = "rogerrat",
                    Version = t.version,
                    Instructions = _ => t.tools.ChannelInstructions(cid),
                    Tools = _ => list,
                };
            }, (tools, version: api.Options.Version));
            await endpoint.HandleAsync(context, definition, id).ConfigureAwait(false);
        });
        return server;
    }

    // DNS-rebinding guard (MCP spec, PROTOCOL §2.6): a browser Origin must be ours, loopback, or allowed.
    private static bool OriginAllowed(string? origin, string own, IReadOnlyList<string> allowed) => McpOrigins.IsAllowed(origin, own, allowed);

    private static bool HasHubToken(HttpContext c, string hubToken)
    {
        var auth = c.Request.Header("Authorization");
        var bearer = auth is not null && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..].Trim() : null;
        return Secrets.PlainMatches(hubToken, bearer) || Secrets.PlainMatches(hubToken, c.Request.Header("X-RogerRat-Token"));
    }

    // The per-channel endpoint takes the channel token as its bearer (bands: anything). With a hub token, the hub token
    // also opens it (the original's --token mode) or must come beside the channel token in X-RogerRat-Token.
    private static bool ChannelAuthorized(HttpContext c, Channel channel, string? hubToken)
    {
        var auth = c.Request.Header("Authorization");
        var bearer = auth is not null && auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth[7..].Trim() : null;
        if (hubToken is null) return RogerRat.Core.Hub.IsAuthorized(channel, bearer);
        if (Secrets.PlainMatches(hubToken, bearer)) return true;
        return Secrets.PlainMatches(hubToken, c.Request.Header("X-RogerRat-Token")) && RogerRat.Core.Hub.IsAuthorized(channel, bearer);
    }

    private static async ValueTask Json(HttpContext c, int status, string body)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json";
        await c.Response.WriteAsync(Encoding.UTF8.GetBytes(body)).ConfigureAwait(false);
    }
}
