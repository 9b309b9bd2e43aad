using System.Globalization;
using RogerRat.Core;

namespace RogerRat.Http.Api;

public sealed partial class RestApi
{
    private static readonly HubError s_timeoutNotNumeric = new(HubErrorReason.Invalid, "timeout must be a number of seconds");

    // GET /api/channels/:id/listen and /wait (reference §2.10–2.11, PROTOCOL §1): the delivery is committed only when
    // the transport reports the response written; a client gone while parked consumes nothing.
    private async ValueTask<ApiResponse> ListenAsync(IApiRequest r, string id, bool wait)
    {
        var channel = AuthorizedChannel(r, id);
        var sid = r.Header("X-Session-Id");
        if (string.IsNullOrEmpty(sid)) throw new HubException(s_sessionHeaderRequired);
        var seconds = ParseTimeout(r.Query("timeout"), wait ? _options.WaitDefaultSeconds : _options.ListenDefaultSeconds,
            wait ? _options.WaitMaxSeconds : _options.ListenMaxSeconds);
        var since = ParseSince(r.Query("since"));

        var delivery = await channel.ListenAsync(sid, TimeSpan.FromSeconds(seconds), since, r.Aborted).ConfigureAwait(false);
        var roster = wait ? channel.Roster() : null;
        var body = WireJson.Write((delivery, roster), static (w, s) =>
        {
            var d = s.delivery;
            w.WriteStartObject();
            WireJson.Messages(w, "messages"u8, d.Messages);
            w.WriteBoolean("timed_out"u8, d.Messages.Count == 0);
            w.WriteNumber("cursor"u8, d.Cursor);
            if (d.Missed > 0)
            {
                w.WriteNumber("missed"u8, d.Missed);
                if (d.OldestAvailableId is { } oldest) w.WriteNumber("oldest_available_id"u8, oldest);
            }
            if (s.roster is not null)
            {
                WireJson.Strings(w, "roster"u8, s.roster);
                w.WriteString("meta_hint"u8, d.Messages.Count == 0
                    ? "Nothing new arrived. Call /wait again in a loop to keep listening; peers that are offline can still be messaged (messages queue per callsign)."
                    : $"{d.Messages.Count} new message{(d.Messages.Count == 1 ? "" : "s")}. After acting, call /wait again to hear replies.");
            }
            w.WriteEndObject();
        });
        var response = new ApiResponse(200, ApiResponse.Json, body);
        if (delivery.NeedsCommit)
        {
            response.Written = written =>
            {
                if (written) channel.Commit(delivery);
                else channel.Abandon(delivery);
            };
        }
        return response;
    }

    // Reference §2.10: clamp to 1..max; unlike the original a non-number is an error, not an instant return (§15.20).
    private static double ParseTimeout(string? raw, double fallback, double max)
    {
        if (string.IsNullOrEmpty(raw)) return fallback;
        if (!TryParseFiniteNumber(raw, out var v))
        {
            throw new HubException(s_timeoutNotNumeric);
        }
        return Math.Clamp(v, 1, max);
    }

    private static long? ParseSince(string? raw)
    {
        if (raw is null) return null;
        if (raw.Length == 0) return 0;
        if (!TryParseFiniteNumber(raw, out var v))
        {
            throw new HubException(HubErrors.SinceNotNumeric);
        }
        return v <= 0 ? 0 : v >= long.MaxValue ? long.MaxValue : (long)Math.Floor(v);
    }
}
