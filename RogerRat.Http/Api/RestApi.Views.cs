using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

internal sealed partial class RestApi
{
    // GET /api/channels/:id/stats (reference §2.13).
    private async ValueTask ChannelStatsAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        var stats = channel.Stats();
        await WriteJsonAsync(c, WireJson.Write((channel, stats), static (w, s) =>
        {
            var st = s.channel.Settings;
            w.WriteStartObject();
            w.WriteString("channel_id"u8, s.channel.Id);
            w.WriteString("retention"u8, ChannelSettings.Name(st.Retention));
            w.WriteString("trust_mode"u8, ChannelSettings.Name(st.TrustMode));
            w.WriteBoolean("has_owner_password"u8, st.OwnerPassword is not null);
            w.WriteNumber("session_ttl_seconds"u8, (long)Math.Floor(st.SessionTtl.TotalSeconds));
            w.WriteBoolean("is_band"u8, st.IsBand);
            w.WriteNumber("agent_count"u8, s.stats.AgentCount);
            w.WriteNumber("historic_callsigns_count"u8, s.stats.HistoricCallsignsCount);
            w.WriteNumber("message_count_in_buffer"u8, s.stats.MessageCountInBuffer);
            if (s.stats.FirstJoinedAt is { } first) w.WriteNumber("first_joined_at"u8, first);
            else w.WriteNull("first_joined_at"u8);
            w.WriteNumber("last_activity_at"u8, s.stats.LastActivityAt);
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }

    // GET /api/channels/:id/roster (reference §2.14).
    private async ValueTask RosterAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        var state = (channel.Roster(), channel.RosterWithIndex(), channel.RosterAll());
        await WriteJsonAsync(c, WireJson.Write(state, static (w, s) =>
        {
            w.WriteStartObject();
            WireJson.Strings(w, "roster"u8, s.Item1);
            w.WriteStartArray("roster_with_index"u8);
            foreach (var e in s.Item2)
            {
                w.WriteStartObject();
                w.WriteNumber("idx"u8, e.Idx);
                w.WriteString("callsign"u8, e.Callsign);
                w.WriteNumber("joined_at"u8, e.JoinedAt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("roster_all"u8);
            foreach (var e in s.Item3)
            {
                w.WriteStartObject();
                w.WriteString("callsign"u8, e.Callsign);
                w.WriteBoolean("online"u8, e.Online);
                if (e.Idx is { } idx) w.WriteNumber("idx"u8, idx);
                else w.WriteNull("idx"u8);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }

    // GET /api/channels/:id/history (reference §2.15); a non-number n is an error, not "everything" (§15.20).
    private async ValueTask HistoryAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        var history = _service.History(channel, c.Request.Query("n"));
        await WriteJsonAsync(c, WireJson.Write(history, static (w, h) =>
        {
            w.WriteStartObject();
            WireJson.Messages(w, "history"u8, h);
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }
}
