using System.Net;
using System.Text;
using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

internal sealed partial class RestApi
{
    private PrometheusText? _prometheus;

    private void MapAdmin(HttpRouter router)
    {
        _prometheus = new PrometheusText(_service.Metrics.Meter);
        router.Map("GET", "/admin", Page(_ => AdminPage.Html, "text/html; charset=UTF-8"));
        router.Map("GET", "/api/admin/channels", Route(AdminChannelsAsync, HubTokenGuard.None));
        router.Map("GET", "/metrics", Route(MetricsAsync, HubTokenGuard.None));
    }

    // Reference §9.1: 403 when no admin token is configured, 401 unless the bearer is it (constant time).
    private bool AdminRefused(HttpContext c, out ValueTask refusal)
    {
        if (Options.AdminToken is null)
        {
            refusal = WriteErrorAsync(c, 403, "admin disabled", "admin_disabled");
            return true;
        }
        if (!_service.AcceptsAdminToken(Bearer(c)))
        {
            refusal = WriteErrorAsync(c, 401, "invalid admin token", HubErrors.Unauthorized);
            return true;
        }
        refusal = default;
        return false;
    }

    // GET /api/admin/channels: summaries (reference §1.14), metadata only, never message content.
    private async ValueTask AdminChannelsAsync(HttpContext c, RouteValues v)
    {
        if (AdminRefused(c, out var refusal))
        {
            await refusal.ConfigureAwait(false);
            return;
        }
        var rows = new List<(Channel Channel, ChannelStats Stats, string[] Roster)>();
        foreach (var channel in Hub.Channels)
        {
            var stats = channel.Stats();
            if (stats.AgentCount > 0 || stats.FirstJoinedAt is not null) rows.Add((channel, stats, channel.Roster()));
        }
        rows.Sort(static (a, b) => b.Stats.LastActivityAt.CompareTo(a.Stats.LastActivityAt));
        var live = (Hub.Stats, rows, Agents: rows.Sum(r => r.Stats.AgentCount));
        await WriteJsonAsync(c, WireJson.Write(live, static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteStartArray("channels"u8);
            foreach (var (channel, stats, roster) in s.rows)
            {
                w.WriteStartObject();
                w.WriteString("id"u8, channel.Id);
                w.WriteString("retention"u8, ChannelSettings.Name(channel.Settings.Retention));
                w.WriteString("trust_mode"u8, ChannelSettings.Name(channel.Settings.TrustMode));
                WireJson.Strings(w, "roster"u8, roster);
                w.WriteNumber("agent_count"u8, stats.AgentCount);
                w.WriteNumber("message_count"u8, stats.MessageCountInBuffer);
                if (stats.FirstJoinedAt is { } first) w.WriteNumber("first_joined_at"u8, first);
                else w.WriteNull("first_joined_at"u8);
                w.WriteNumber("last_activity_at"u8, stats.LastActivityAt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            // Live counters for the dashboard (an addition to the reference's shape).
            w.WriteStartObject("live"u8);
            w.WriteNumber("channels_open"u8, s.rows.Count(r => r.Stats.AgentCount > 0));
            w.WriteNumber("agents_online"u8, s.Agents);
            w.WriteNumber("messages_total"u8, s.Stats.MessagesTotal);
            w.WriteEndObject();
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }

    // GET /metrics: Prometheus text; the admin token when one is set, else loopback callers only.
    private async ValueTask MetricsAsync(HttpContext c, RouteValues v)
    {
        if (Options.AdminToken is null)
        {
            var peer = c.Request.RemoteEndPoint?.Address;
            if (peer is null || !IPAddress.IsLoopback(peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer) || c.Request.Header("X-Forwarded-For") is not null)
            {
                await WriteErrorAsync(c, 403, "metrics are served to loopback only without an admin token", "admin_disabled").ConfigureAwait(false);
                return;
            }
        }
        else if (!_service.AcceptsAdminToken(Bearer(c)))
        {
            await WriteErrorAsync(c, 401, "invalid admin token", HubErrors.Unauthorized).ConfigureAwait(false);
            return;
        }
        c.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await c.Response.WriteAsync(Encoding.UTF8.GetBytes(_prometheus!.Write())).ConfigureAwait(false);
    }
}
