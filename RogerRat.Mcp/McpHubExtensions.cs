using System.Text;
using Microsoft.Extensions.Logging;
using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Api;
using RogerRat.Http.Server;
using RogerRat.Mcp.Tools;

namespace RogerRat.Mcp;

/// <summary>Maps <c>/mcp</c> (unified) and <c>/mcp/&lt;channel_id&gt;</c> (legacy) on a <see cref="HubServer"/>'s router.</summary>
public static class McpHubExtensions
{
    /// <summary>Maps the MCP endpoints on <paramref name="server"/>; call after <see cref="HubServer.Create"/> and before <see cref="HubServer.StartAsync()"/>.</summary>
    /// <param name="server">The hub server whose router gets <c>/mcp</c> and <c>/mcp/&lt;channel_id&gt;</c>.</param>
    /// <param name="options">MCP limits and session settings; null takes the defaults.</param>
    /// <returns>The same server, for chaining.</returns>
    public static HubServer AddMcp(this HubServer server, McpHubOptions? options = null)
    {
        // A session ended with DELETE takes its callsign with it, as the leave tool would (the session id is the
        // channel session id): the roster is right at once and a listen parked on it answers now.
        async ValueTask LeaveJoinedChannel(McpSession session)
        {
            var channelId = session.Endpoint.Length > 0 ? session.Endpoint : session.BoundChannel;
            if (channelId is null) return;
            try
            {
                if (await server.Hub.FindChannelAsync(channelId).ConfigureAwait(false) is { } channel) await channel.LeaveAsync(session.Id).ConfigureAwait(false);
            }
            catch (HubException)
            {
                // The session is over either way; a store that cannot take the leave now lets the collector end it.
            }
        }

        options ??= new McpHubOptions();
        var service = server.Service;
        var hubOptions = service.Options;
        var sessions = new McpSessionStore(server.Hub.Time, options.MaxSessions, options.SessionIdleLifetime);
        var logger = server.Options.LoggerFactory.CreateLogger("RogerRat.Mcp");
        var endpoint = new McpEndpoint(sessions, logger, c => server.ClientAddress(c.Request),
            options.Limits, LeaveJoinedChannel, service.Metrics.Rejection);
        var tools = new HubTools(service);
        var unified = new Dictionary<HubMode, McpServerDefinition>();
        foreach (var mode in Enum.GetValues<HubMode>())
        {
            var list = tools.Unified(mode);
            unified[mode] = new McpServerDefinition
            {
                Name = "rogerrat",
                Version = hubOptions.Version,
                Instructions = _ => tools.UnifiedInstructions(),
                Tools = _ => list,
            };
        }
        var perChannel = new System.Collections.Concurrent.ConcurrentDictionary<string, McpServerDefinition>(StringComparer.Ordinal);
        var gc = server.Hub.Time.CreateTimer(static s => ((McpSessionStore)s!).Collect(), sessions, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

        async ValueTask<bool> OriginRefused(HttpContext context)
        {
            GC.KeepAlive(gc);
            if (OriginAllowed(context.Request.Header("Origin"), hubOptions.Origin, options.AllowedOrigins)) return false;
            await Json(context, 403, s_originRefused).ConfigureAwait(false);
            return true;
        }

        async ValueTask Unified(HttpContext context, RouteValues _)
        {
            if (await OriginRefused(context).ConfigureAwait(false)) return;
            if (hubOptions.HubToken is not null && !HasHubToken(context, service))
            {
                await Refuse(context, HubErrors.HubTokenRequired).ConfigureAwait(false);
                return;
            }
            await endpoint.HandleAsync(context, unified[Presets.Resolve(context.Request.Header("Host"))], "").ConfigureAwait(false);
        }

        async ValueTask PerChannel(HttpContext context, RouteValues values)
        {
            if (await OriginRefused(context).ConfigureAwait(false)) return;
            var id = values["id"]!;
            if (await service.Hub.FindChannelAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } channel)
            {
                await Refuse(context, HubErrors.ChannelNotFound).ConfigureAwait(false);
                return;
            }
            if (context.Request.Method == "GET" && !(context.Request.Header("Accept") ?? "").Contains("application/json", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(Encoding.UTF8.GetBytes(
                    $"This is a JSON-RPC (MCP Streamable HTTP) endpoint for channel {id}: POST to it from an MCP client, not a browser.\n"
                    + $"Add it with: claude mcp add --transport http rogerrat {hubOptions.Origin}/mcp/{id} --header \"Authorization: Bearer <token>\"\n"
                    + $"Docs: {hubOptions.Origin}/llms.txt\n")).ConfigureAwait(false);
                return;
            }
            if (!ChannelAuthorized(context, channel, service))
            {
                await Refuse(context, HubErrors.InvalidBearer).ConfigureAwait(false);
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
            }, (tools, version: hubOptions.Version));
            await endpoint.HandleAsync(context, definition, id).ConfigureAwait(false);
        }

        server.Router.Map(["POST", "DELETE"], "/mcp", Unified);
        server.Router.Map(["GET", "POST", "DELETE"], "/mcp/{id}", PerChannel);
        return server;
    }

    // DNS-rebinding guard (MCP spec, PROTOCOL §2.6): a browser Origin must be ours, loopback, or allowed.
    private static bool OriginAllowed(string? origin, string own, IReadOnlyList<string> allowed) => McpOrigins.IsAllowed(origin, own, allowed);

    private static bool HasHubToken(HttpContext c, HubService service) =>
        service.AcceptsHubToken(HubService.Bearer(c.Request.Header("Authorization"))) || service.AcceptsHubToken(c.Request.Header("X-RogerRat-Token"));

    // The per-channel endpoint takes the channel token as its bearer (bands: anything). With a hub token, the hub token
    // also opens it (the original's --token mode) or must come beside the channel token in X-RogerRat-Token.
    private static bool ChannelAuthorized(HttpContext c, Channel channel, HubService service)
    {
        var bearer = HubService.Bearer(c.Request.Header("Authorization"));
        if (service.Options.HubToken is null) return Hub.IsAuthorized(channel, bearer);
        if (service.AcceptsHubToken(bearer)) return true;
        return service.AcceptsHubToken(c.Request.Header("X-RogerRat-Token")) && Hub.IsAuthorized(channel, bearer);
    }

    private static readonly byte[] s_originRefused = """{"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"origin not allowed"}}"""u8.ToArray();

    // Refusals before any JSON-RPC is read: the catalogue's error, in the REST error shape, with the status HTTP gives it.
    private static ValueTask Refuse(HttpContext c, HubError error) =>
        Json(c, error.Reason == HubErrorReason.NotFound ? 404 : 401, WireJson.Error(error));

    private static async ValueTask Json(HttpContext c, int status, byte[] body)
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json";
        await c.Response.WriteAsync(body).ConfigureAwait(false);
    }
}
