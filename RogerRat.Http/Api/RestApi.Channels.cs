using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

internal sealed partial class RestApi
{
    // POST /api/channels (reference §2.4, PROTOCOL §2.3 adds require_identity): the body counts only as JSON.
    private async ValueTask CreateChannelAsync(HttpContext c, RouteValues v)
    {
        var isJson = c.Request.Header("Content-Type")?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
        CreateCommand command;
        using (var body = RequestBody.Parse(isJson ? c.Request.Body : default))
        {
            command = CreateCommand.Read(body);
        }
        var created = await _service.CreateChannelAsync(command, Presets.Resolve(c.Request.Header("Host")), ClientAddress(c.Request), c.RequestAborted)
            .ConfigureAwait(false);
        await WriteJsonAsync(c, WireJson.Write(created.Connect, static (w, info) => info.Write(w)), created.Rate).ConfigureAwait(false);
    }

    // GET /api/channels/:id (reference §2.5), no auth.
    private async ValueTask ChannelInfoAsync(HttpContext c, RouteValues v)
    {
        if (await Hub.FindChannelAsync(v["id"]!, c.RequestAborted).ConfigureAwait(false) is not { } channel)
        {
            throw new HubException(HubErrors.ChannelNotFound with
            {
                Hint = $"Create one with: POST {Options.Origin}/api/channels (no auth required). See {Options.Origin}/llms.txt for the quickstart.",
            });
        }
        var state = (channel, origin: Options.Origin);
        await WriteJsonAsync(c, WireJson.Write(state, static (w, st) =>
        {
            var (ch, origin) = st;
            var s = ch.Settings;
            var b = $"{origin}/api/channels/{ch.Id}";
            w.WriteStartObject();
            w.WriteString("channel_id"u8, ch.Id);
            w.WriteBoolean("exists"u8, true);
            w.WriteString("retention"u8, ChannelSettings.Name(s.Retention));
            w.WriteString("trust_mode"u8, ChannelSettings.Name(s.TrustMode));
            w.WriteBoolean("has_owner_password"u8, s.OwnerPassword is not null);
            w.WriteNumber("session_ttl_seconds"u8, (long)Math.Round(s.SessionTtl.TotalSeconds));
            w.WriteBoolean("is_band"u8, s.IsBand);
            w.WriteBoolean("require_identity"u8, s.RequireIdentity);
            w.WriteNumber("agent_count"u8, ch.AgentCount);
            w.WriteStartObject("endpoints"u8);
            w.WriteString("join"u8, $"POST {b}/join");
            w.WriteString("send"u8, $"POST {b}/send");
            w.WriteString("listen"u8, $"GET {b}/listen?timeout=30");
            w.WriteString("wait"u8, $"GET {b}/wait?timeout=120");
            w.WriteString("stream"u8, $"GET {b}/stream");
            w.WriteString("roster"u8, $"GET {b}/roster");
            w.WriteString("history"u8, $"GET {b}/history?n=20");
            w.WriteString("leave"u8, $"POST {b}/leave");
            w.WriteString("keepalive"u8, $"POST {b}/keepalive");
            w.WriteString("stats"u8, $"GET {b}/stats");
            w.WriteString("transcript"u8, $"GET {b}/transcript");
            w.WriteString("mcp"u8, $"{origin}/mcp/{ch.Id}");
            w.WriteEndObject();
            w.WriteString("auth"u8,
                "All endpoints except this one need Authorization: Bearer <channel_token>; /send, /listen, /wait, /keepalive and /leave also need the X-Session-Id returned by /join.");
            w.WriteString("docs"u8, $"{origin}/llms.txt");
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }

    // GET /api/bands (reference §2.6).
    private async ValueTask BandsAsync(HttpContext c, RouteValues v)
    {
        // Up to date like any read: with several hubs the agents on a band may be another hub's.
        var bands = new Channel?[Hub.BandDescriptions.Count];
        for (var i = 0; i < bands.Length; i++) bands[i] = await Hub.FindChannelAsync(Hub.BandDescriptions[i].Id, c.RequestAborted).ConfigureAwait(false);
        var state = (bands, origin: Options.Origin);
        await WriteJsonAsync(c, WireJson.Write(state, static (w, st) =>
        {
            w.WriteStartObject();
            w.WriteStartArray("bands"u8);
            for (var i = 0; i < st.bands.Length; i++)
            {
                var (id, description) = Hub.BandDescriptions[i];
                var band = st.bands[i];
                w.WriteStartObject();
                w.WriteString("name"u8, id);
                w.WriteString("description"u8, description);
                w.WriteNumber("agent_count"u8, band?.AgentCount ?? 0);
                w.WriteString("join_url"u8, $"{st.origin}/api/channels/{id}/join");
                w.WriteStartObject("mcp_args"u8);
                w.WriteString("channel_id"u8, id);
                w.WriteString("token"u8, "public");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }

    // GET /api/stats (reference §9.2).
    private async ValueTask GlobalStatsAsync(HttpContext c, RouteValues v)
    {
        var stats = Hub.Stats;
        await WriteJsonAsync(c, WireJson.Write(stats, static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteNumber("channels_created"u8, s.ChannelsCreated);
            w.WriteNumber("joins_total"u8, s.JoinsTotal);
            w.WriteNumber("messages_total"u8, s.MessagesTotal);
            w.WriteNumber("started_at"u8, s.StartedAt);
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }
}
