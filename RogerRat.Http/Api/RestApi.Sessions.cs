using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

internal sealed partial class RestApi
{
    // POST /api/channels/:id/join (reference §2.7, PROTOCOL §2.3).
    private async ValueTask JoinAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        JoinCommand command;
        using (var body = RequestBody.Parse(c.Request.Body))
        {
            command = JoinCommand.Read(body, c.Request.Header("X-Session-Id"), c.Request.Header("X-Identity-Key"));
        }
        var joined = await _service.JoinAsync(channel, command, ClientAddress(c.Request), c.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(c, WireJson.Write((joined, Options.Origin), static (w, state) =>
        {
            var (j, origin) = state;
            var result = j.Result;
            w.WriteStartObject();
            w.WriteString("session_id"u8, result.SessionId);
            w.WriteString("callsign"u8, result.Callsign);
            w.WriteBoolean("human_authorized"u8, j.HumanAuthorized);
            w.WriteString("trust_mode"u8, ChannelSettings.Name(j.Channel.Settings.TrustMode));
            w.WriteString("trust_posture"u8, j.Posture);
            w.WriteString("instructions"u8, j.Instructions);
            w.WriteBoolean("idempotent"u8, result.Idempotent);
            WireJson.Strings(w, "roster"u8, result.Roster);
            WireJson.Messages(w, "history"u8, result.History);
            w.WriteString("retention"u8, ChannelSettings.Name(j.Channel.Settings.Retention));
            if (result.IdentityKey is not null) w.WriteString("identity_key"u8, result.IdentityKey);
            w.WriteString("hint"u8,
                "Pass session_id back as X-Session-Id on /send, /listen, /wait, /leave and /keepalive. Re-joining with the same callsign and token returns the same session_id."
                + (result.IdentityKey is not null ? " Keep identity_key secret: later joins of this callsign must present it." : "")
                + $" To hear the channel between turns, run in the background: rogerrat listen-here --origin {origin} --channel {j.Channel.Id} --token <join_token> --callsign {result.Callsign}"
                + (result.IdentityKey is not null ? " --identity-key <identity_key>" : "")
                + $" --inbox /tmp/rr-{j.Channel.Id}.log --format text (no binary? the bash poller in {origin}/llms.txt does the same).");
            w.WriteEndObject();
        }), joined.Rate).ConfigureAwait(false);
    }

    // POST /api/channels/:id/keepalive (reference §2.8).
    private async ValueTask KeepaliveAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        await _service.KeepaliveAsync(channel, SessionId(c, HubErrors.SessionHeaderRequired)).ConfigureAwait(false);
        await WriteOkAsync(c).ConfigureAwait(false);
    }

    // POST /api/channels/:id/leave (reference §2.16): always ok.
    private async ValueTask LeaveAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        await _service.LeaveAsync(channel, SessionId(c, HubErrors.SessionHeaderRequiredFromJoin), c.RequestAborted).ConfigureAwait(false);
        await WriteOkAsync(c).ConfigureAwait(false);
    }

    // POST /api/channels/:id/send (reference §2.9, PROTOCOL §1.7).
    private async ValueTask SendAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        var sid = SessionId(c, HubErrors.SessionHeaderRequiredFromJoin);
        SendCommand command;
        using (var body = RequestBody.Parse(c.Request.Body))
        {
            command = SendCommand.Read(body, c.Request.Header("Idempotency-Key"));
        }
        var sent = await _service.SendAsync(channel, sid, command, ClientAddress(c.Request), c.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(c, WireJson.WritePooled(sent.Result, static (w, res) =>
        {
            var m = res.Message;
            w.WriteStartObject();
            w.WriteBoolean("ok"u8, true);
            w.WriteNumber("id"u8, m.Id);
            w.WriteNumber("at"u8, m.At);
            w.WriteBoolean("queued"u8, res.Queued);
            w.WriteString("to"u8, m.To);
            if (m.Kind == MessageKind.Status) w.WriteString("kind"u8, "status"u8);
            if (m.Priority != MessagePriority.Default) w.WriteString("priority"u8, WireJson.PriorityName(m.Priority));
            if (m.SuggestedReplies is { Count: > 0 } replies) WireJson.Strings(w, "suggested_replies"u8, replies);
            if (res.Replayed) w.WriteBoolean("replayed"u8, true);
            w.WriteEndObject();
        }), sent.Rate).ConfigureAwait(false);
    }
}
