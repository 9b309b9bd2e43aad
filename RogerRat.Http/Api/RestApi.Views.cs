using System.Globalization;
using RogerRat.Core;

namespace RogerRat.Http.Api;

public sealed partial class RestApi
{
    private static readonly HubError s_nNotNumeric = new(HubErrorReason.Invalid, "n must be a number");
    private static readonly HubError s_noTranscript = new(HubErrorReason.NotFound, "this channel has no transcript (retention=none)");
    private static readonly HubError s_transcriptNotKept = new(HubErrorReason.NotFound,
        "transcripts are not kept by this hub yet (retention is stored but not recorded)");

    // GET /api/channels/:id/stats (reference §2.13).
    private ApiResponse ChannelStats(IApiRequest r, string id)
    {
        var channel = AuthorizedChannel(r, id);
        var stats = channel.Stats();
        return new ApiResponse(200, ApiResponse.Json, WireJson.Write((channel, stats), static (w, s) =>
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
        }));
    }

    // GET /api/channels/:id/roster (reference §2.14).
    private ApiResponse Roster(IApiRequest r, string id)
    {
        var channel = AuthorizedChannel(r, id);
        var state = (channel.Roster(), channel.RosterWithIndex(), channel.RosterAll());
        return new ApiResponse(200, ApiResponse.Json, WireJson.Write(state, static (w, s) =>
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
        }));
    }

    // GET /api/channels/:id/history (reference §2.15); a non-number n is an error, not "everything" (§15.20).
    private ApiResponse History(IApiRequest r, string id)
    {
        var channel = AuthorizedChannel(r, id);
        var n = _options.HistoryDefault;
        if (r.Query("n") is { Length: > 0 } raw)
        {
            if (!TryParseFiniteNumber(raw, out var v)) throw new HubException(s_nNotNumeric);
            n = (int)Math.Clamp(Math.Floor(v), 1, int.MaxValue);
        }
        var history = channel.History(n);
        return new ApiResponse(200, ApiResponse.Json, WireJson.Write(history, static (w, h) =>
        {
            w.WriteStartObject();
            WireJson.Messages(w, "history"u8, h);
            w.WriteEndObject();
        }));
    }

    // GET /api/channels/:id/transcript (reference §5.3): bearer without the band exemption; retention comes later.
    private ApiResponse Transcript(IApiRequest r, string id)
    {
        var channel = _hub.GetChannel(id);
        if (!Secrets.TokenMatches(channel.Settings.TokenHash, Bearer(r))) throw new HubException(HubErrors.InvalidBearer);
        throw new HubException(channel.Settings.Retention == Retention.None ? s_noTranscript : s_transcriptNotKept);
    }
}
