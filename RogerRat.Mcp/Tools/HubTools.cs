using System.Text;
using System.Text.Json;
using RogerRat.Core;
using RogerRat.Http.Api;

namespace RogerRat.Mcp.Tools;

/// <summary>
/// The hub's MCP tools (reference §3.5–3.6 with PROTOCOL §3): the same engine calls as the REST routes. The unified
/// endpoint binds its session to the channel it joined; a per-channel endpoint is bound to its URL's channel. The
/// MCP session id doubles as the channel session id, as in the original.
/// </summary>
internal sealed class HubTools(RestApi api)
{
    private Hub Hub => api.Hub;
    private string Origin => api.Options.Origin;

    private const string NotBound = "not joined to a channel; call 'join' with channel_id, token, callsign first";

    public IReadOnlyList<McpTool> Unified(HubMode mode) =>
    [
        new("create_channel", CreateChannelDescription(mode), ToolSchemas.CreateChannel, c => CreateChannel(c, mode)),
        new("join", "Join a channel by channel_id and token with a callsign (pass owner_password if your operator gave you one). The session then works on that channel; joining another channel moves it. Public bands general, help and random need no token.",
            ToolSchemas.UnifiedJoin, UnifiedJoin),
        new("send", "Send on the joined channel. to: a callsign, #N from the roster, or all (default). Optional priority, suggested_replies, attachments (≤ 4, ≤ 512 KiB base64 in total), kind 'status' for a short ephemeral working-on-it signal.",
            ToolSchemas.Send, c => Send(c, Bound(c))),
        new("listen", "Wait up to 60 s for messages addressed to you; returns at once when some are pending. Each result has a cursor: pass it as since to resume.",
            ToolSchemas.Listen, c => Listen(c, Bound(c), wait: false)),
        new("wait", "Like listen but up to 300 s, and also returns the roster. Preferred between turns of a conversation.",
            ToolSchemas.Wait, c => Listen(c, Bound(c), wait: true)),
        new("roster", "Who is on the joined channel, in join order (#N addresses).", ToolSchemas.Empty, c => Roster(Bound(c))),
        new("history", "The last n (default 20, max 100) messages of the joined channel.", ToolSchemas.History, c => History(c, Bound(c))),
        new("leave", "Leave the joined channel; you can join another afterwards.", ToolSchemas.Empty, UnifiedLeave),
    ];

    public IReadOnlyList<McpTool> ForChannel(string channelId) =>
    [
        new("join", $"Join channel {channelId} with a callsign (pass owner_password if your operator gave you one).", ToolSchemas.ChannelJoin, c => ChannelJoin(c, channelId)),
        new("send", "Send on this channel. to: a callsign, #N from the roster, or all (default). Optional priority, suggested_replies, attachments, kind 'status'.",
            ToolSchemas.Send, c => Send(c, Hub.GetChannel(channelId))),
        new("listen", "Wait up to 60 s for messages addressed to you; pass the returned cursor as since to resume.", ToolSchemas.Listen, c => Listen(c, Hub.GetChannel(channelId), wait: false)),
        new("wait", "Like listen but up to 300 s, and also returns the roster.", ToolSchemas.Wait, c => Listen(c, Hub.GetChannel(channelId), wait: true)),
        new("roster", "Who is on this channel, in join order (#N addresses).", ToolSchemas.Empty, _ => Roster(Hub.GetChannel(channelId))),
        new("history", "The last n (default 20, max 100) messages of this channel.", ToolSchemas.History, c => History(c, Hub.GetChannel(channelId))),
        new("leave", "Leave this channel.", ToolSchemas.Empty, c => ChannelLeave(c, channelId)),
        new("create_channel", CreateChannelDescription(HubMode.Default), ToolSchemas.CreateChannel, c => CreateChannel(c, HubMode.Default)),
    ];

    public string UnifiedInstructions() =>
        "Connected to the RogerRat hub. Tools: create_channel; join (channel_id + token + callsign, any channel); send, listen, wait, roster, history, leave on the joined channel. One session can move between channels; no extra installs.";

    public string ChannelInstructions(string channelId)
    {
        if (!Hub.TryGetChannel(channelId, out var ch)) return $"Channel {channelId} does not exist.";
        var s = ch.Settings;
        return $"Connected to RogerRat channel '{channelId}' (trust_mode={ChannelSettings.Name(s.TrustMode)}, owner_password {(s.OwnerPassword is null ? "not set" : "SET")}{(s.IsBand ? ", public band (token ignored on join)" : "")}).\n"
            + "Call join with a callsign" + (s.OwnerPassword is null ? "." : " (and owner_password if your operator shared it).") + "\n"
            + ConnectInfoText.Trust(s.TrustMode == TrustMode.Trusted, false) + "\n"
            + "This session is bound to this channel; create_channel still works here. To move between channels use the unified /mcp endpoint.";
    }

    private static string CreateChannelDescription(HubMode mode) => mode switch
    {
        HubMode.Default => "Create a channel; returns its id, join token, MCP URL, connect snippets and an agent_prompt to paste to another agent. Options: retention, trust_mode, owner_password. If your operator has not said, ask ONE short question covering trust_mode, retention and whether to set up a background listener.",
        _ => $"{mode.ToString().ToUpperInvariant()} mode: create a channel with this address's preset ({PresetSummary(mode)}). Ask only who's joining / which callsign.",
    };

    private static string PresetSummary(HubMode mode) => mode switch
    {
        HubMode.Park => "trust_mode=untrusted, retention=metadata, session_ttl_seconds=86400",
        HubMode.Live => "trust_mode=untrusted, retention=none, session_ttl_seconds=300",
        _ => "trust_mode=trusted, retention=none, session_ttl_seconds=3600, owner_password auto-minted, listener pre-armed, no question needed",
    };

    private Channel Bound(McpCallContext c) =>
        c.Session.BoundChannel is { } id && Hub.TryGetChannel(id, out var ch) ? ch : throw new HubException(new HubError(HubErrorReason.NotJoined, NotBound));

    private ValueTask<McpToolResult> CreateChannel(McpCallContext c, HubMode mode)
    {
        var body = Encoding.UTF8.GetBytes(c.Arguments.ValueKind == JsonValueKind.Object ? c.Arguments.GetRawText() : "{}");
        var response = api.CreateChannel(body, mode, c.Client);
        if (response.Status != 200)
        {
            using var err = JsonDocument.Parse(response.Body);
            return new(McpToolResult.Error(err.RootElement.GetProperty("error").GetString() ?? "failed"));
        }
        using var doc = JsonDocument.Parse(response.Body);
        var root = doc.RootElement;
        var id = root.GetProperty("channel_id").GetString();
        var token = root.GetProperty("join_token").GetString();
        var password = root.GetProperty("owner_password").ValueKind == JsonValueKind.String ? root.GetProperty("owner_password").GetString() : null;
        var text = new StringBuilder()
            .Append("Created channel ").Append(id).Append('\n')
            .Append("Retention: ").Append(root.GetProperty("retention").GetString()).Append('\n')
            .Append("Trust mode: ").Append(root.GetProperty("trust_mode").GetString()).Append('\n')
            .Append("Channel id: ").Append(id).Append('\n')
            .Append("Token: ").Append(token).Append('\n');
        if (password is not null) text.Append("Owner pass: ").Append(password).Append('\n');
        text.Append("Invite another agent by pasting this to it:\n").Append(root.GetProperty("connect").GetProperty("agent_prompt").GetString()).Append('\n');
        text.Append($"MCP alternative: call join with channel_id=\"{id}\", token=\"{token}\"{(password is null ? "" : $", owner_password=\"{password}\"")}, callsign=\"<their-name>\"");
        var structured = root.Clone();
        return new(new McpToolResult { Text = text.ToString(), StructuredContent = w => structured.WriteTo(w) });
    }

    private ValueTask<McpToolResult> UnifiedJoin(McpCallContext c)
    {
        var id = c.String("channel_id");
        if (string.IsNullOrEmpty(id)) return new(McpToolResult.Error("join requires channel_id"));
        if (!Hub.TryGetChannel(id, out var channel)) return new(McpToolResult.Error($"channel not found: {id}"));
        if (!channel.Settings.IsBand)
        {
            var token = c.String("token");
            if (string.IsNullOrEmpty(token)) return new(McpToolResult.Error("join requires token (or use a public band like 'general')"));
            if (!Hub.IsAuthorized(channel, token)) return new(McpToolResult.Error("invalid token for channel"));
        }
        if (string.IsNullOrEmpty(c.String("callsign")) && string.IsNullOrEmpty(c.String("identity_key"))) return new(McpToolResult.Error("callsign is required"));
        var (authorized, error) = CheckPassword(c, channel);
        if (error is not null) return new(error);
        if (api.TakeRate(send: false, band: channel.Settings.IsBand, c.Client) is { } limited) return new(McpToolResult.Error(limited));
        // Joining another channel moves the session: it leaves the old one only once the new join succeeded.
        var result = channel.Join(new JoinRequest { Callsign = c.String("callsign"), SessionId = c.Session.Id, IdentityKey = c.String("identity_key") });
        if (c.Session.BoundChannel is { } old && old != channel.Id && Hub.TryGetChannel(old, out var oldChannel)) oldChannel.Leave(c.Session.Id);
        c.Session.BoundChannel = channel.Id;
        return new(JoinResult(channel, result, authorized, c.String("callsign") ?? result.Callsign));
    }

    private ValueTask<McpToolResult> ChannelJoin(McpCallContext c, string channelId)
    {
        var channel = Hub.GetChannel(channelId);
        var (authorized, error) = CheckPassword(c, channel);
        if (error is not null) return new(error);
        if (api.TakeRate(send: false, band: channel.Settings.IsBand, c.Client) is { } limited) return new(McpToolResult.Error(limited));
        var callsign = c.Get("callsign") is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } v ? JsonBodyText(v) : "";
        var result = channel.Join(new JoinRequest { Callsign = callsign, SessionId = c.Session.Id, IdentityKey = c.String("identity_key") });
        return new(JoinResult(channel, result, authorized, callsign));
    }

    private static string JsonBodyText(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();

    private static (bool Authorized, McpToolResult? Error) CheckPassword(McpCallContext c, Channel channel)
    {
        var password = c.String("owner_password");
        if (string.IsNullOrEmpty(password) || channel.Settings.OwnerPassword is null) return (false, null);
        return channel.VerifyOwnerPassword(password) ? (true, null) : (false, McpToolResult.Error(HubErrors.OwnerPasswordMismatch.Message));
    }

    private static McpToolResult JoinResult(Channel channel, JoinResult result, bool authorized, string raw)
    {
        var trusted = channel.Settings.TrustMode == TrustMode.Trusted;
        var sb = new StringBuilder()
            .Append("Joined channel ").Append(channel.Id).Append(" as ").Append(raw)
            .Append(authorized ? " (human-authorized via owner_password)" : "")
            .Append(result.Idempotent ? " (idempotent: existing session reused)" : "").Append(".\n")
            .Append("Roster (").Append(result.Roster.Length).Append("): ").AppendJoin(", ", result.Roster).Append("\n\n")
            .Append("Recent history (").Append(result.History.Length).Append("):\n").Append(MessageText.Format(result.History)).Append("\n\n");
        if (result.IdentityKey is not null) sb.Append("Identity key (keep it secret; later joins of this callsign must pass it as identity_key): ").Append(result.IdentityKey).Append("\n\n");
        sb.Append("─── Instructions ───\n").Append(LoopInstructions).Append('\n').Append(ConnectInfoText.Trust(trusted, authorized));
        return new McpToolResult { Text = sb.ToString() };
    }

    private const string LoopInstructions = """
        1. You are on a shared walkie-talkie with other agents. After every action, call wait (up to 5 min, preferred) or listen (up to 60 s).
        2. When a message arrives, decide and reply with send.
        3. For slow work, first send a kind='status' note (ephemeral), then the real answer.
        4. After sending, wait again; an empty return is normal, just call wait again.
        5. Stop only when your operator says so, a peer broadcasts 'standdown', or your peer leaves the roster.
        6. Use roster() and history(n) to orient yourself. Address by callsign, #N, or "all"; DMs to offline callsigns queue.
        7. Every result shows a cursor: pass it as since after a restart to resume exactly where you left off.
        Turn-based harnesses end long-polls with the turn: see the hub's /llms.txt, "Persistence patterns".
        """;

    private ValueTask<McpToolResult> Send(McpCallContext c, Channel channel)
    {
        var prepared = channel.Prepare(RestApi.ReadSend(c.Arguments));
        if (api.TakeRate(send: true, band: channel.Settings.IsBand, c.Client) is { } limited) return new(McpToolResult.Error(limited));
        var result = channel.Send(c.Session.Id, prepared, c.String("idempotency_key"));
        var m = result.Message;
        var text = m.Kind == MessageKind.Status
            ? $"status signal #{m.Id} sent to {m.To} — peers listening now see a \"working\" indicator; not stored in history."
            : $"sent #{m.Id}{(m.Priority == MessagePriority.Default ? "" : $" [{WireJson.PriorityName(m.Priority)}]")}{(m.Attachments is { Count: > 0 } a ? $" [+{a.Count} attachment{(a.Count == 1 ? "" : "s")}]" : "")} to {m.To}"
              + (result.Queued ? " (queued — recipient is offline, will be delivered when they rejoin)" : "")
              + (m.SuggestedReplies is { Count: > 0 } r ? $" (suggested: {string.Join(" | ", r)})" : "")
              + (result.Replayed ? " (idempotent retry: already sent)" : "");
        return new(new McpToolResult { Text = text });
    }

    private async ValueTask<McpToolResult> Listen(McpCallContext c, Channel channel, bool wait)
    {
        var max = wait ? api.Options.WaitMaxSeconds : api.Options.ListenMaxSeconds;
        var seconds = Math.Clamp(Math.Floor(c.Number("timeout_seconds") ?? (wait ? api.Options.WaitDefaultSeconds : api.Options.ListenDefaultSeconds)), 1, max);
        // As on REST: a since that is present but no number is an error, not a listen from the cursor.
        if (c.Get("since").ValueKind is not (System.Text.Json.JsonValueKind.Undefined or System.Text.Json.JsonValueKind.Null) && c.Number("since") is null)
            throw new HubException(HubErrors.SinceNotNumeric);
        long? since = c.Number("since") is { } s ? (long)Math.Max(0, Math.Floor(s)) : null;
        var listening = channel.ListenAsync(c.Session.Id, TimeSpan.FromSeconds(seconds), since, c.Aborted).AsTask();
        await McpEndpoint.KeepReportingAsync(c, listening).ConfigureAwait(false);
        var delivery = await listening.ConfigureAwait(false);

        var sb = new StringBuilder();
        if (delivery.Missed > 0) sb.Append($"⚠ {delivery.Missed} message(s) for you left the buffer before delivery; oldest still available: #{delivery.OldestAvailableId}\n");
        sb.Append(delivery.Messages.Count == 0
            ? $"(no messages — {seconds}s timeout. call {(wait ? "wait" : "listen")} again to keep listening.)"
            : MessageText.Format(delivery.Messages));
        sb.Append($"\ncursor: {delivery.Cursor}");
        var roster = wait ? channel.Roster() : null;
        if (roster is not null) sb.Append("\nroster: ").AppendJoin(", ", roster);
        return new McpToolResult
        {
            Text = sb.ToString(),
            StructuredContent = w =>
            {
                w.WriteStartObject();
                WireJson.Messages(w, "messages"u8, delivery.Messages);
                w.WriteBoolean("timed_out"u8, delivery.Messages.Count == 0);
                w.WriteNumber("cursor"u8, delivery.Cursor);
                if (delivery.Missed > 0) w.WriteNumber("missed"u8, delivery.Missed);
                if (roster is not null) WireJson.Strings(w, "roster"u8, roster);
                w.WriteEndObject();
            },
            Written = delivery.NeedsCommit ? ok => { if (ok) channel.Commit(delivery); else channel.Abandon(delivery); } : null,
        };
    }

    private static ValueTask<McpToolResult> Roster(Channel channel)
    {
        var roster = channel.RosterWithIndex();
        var text = roster.Length == 0 ? "(empty)"
            : "Active on channel:\n" + string.Join("\n", roster.Select(e => $"  #{e.Idx}  {e.Callsign}")) + "\n\nAddress by callsign, #1 / 1, or all.";
        return new(new McpToolResult { Text = text });
    }

    private ValueTask<McpToolResult> History(McpCallContext c, Channel channel)
    {
        var n = (int)Math.Clamp(Math.Floor(c.Number("n") ?? api.Options.HistoryDefault), 1, 100);
        return new(new McpToolResult { Text = MessageText.Format(channel.History(n)) });
    }

    private ValueTask<McpToolResult> UnifiedLeave(McpCallContext c)
    {
        var channel = Bound(c);
        channel.Leave(c.Session.Id);
        c.Session.BoundChannel = null;
        return new(new McpToolResult { Text = "left channel" });
    }

    private ValueTask<McpToolResult> ChannelLeave(McpCallContext c, string channelId)
    {
        Hub.GetChannel(channelId).Leave(c.Session.Id);
        return new(new McpToolResult { Text = "left channel" });
    }
}
