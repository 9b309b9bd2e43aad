using System.Text;
using RogerRat.Core;
using RogerRat.Core.Service;

namespace RogerRat.Mcp.Tools;

/// <summary>
/// The hub's MCP tools (reference §3.5–3.6 with PROTOCOL §3): each reads its arguments into the same command as the
/// REST route, calls <see cref="HubService"/> and words the result for an agent. The unified
/// endpoint binds its session to the channel it joined; a per-channel endpoint is bound to its URL's channel. The
/// MCP session id doubles as the channel session id, as in the original.
/// </summary>
internal sealed class HubTools(HubService service)
{
    private Hub Hub => service.Hub;

    public IReadOnlyList<McpTool> Unified(HubMode mode) =>
    [
        new("create_channel", CreateChannelDescription(mode), ToolSchemas.CreateChannel, c => CreateChannel(c, mode)),
        new("join", "Join a channel by channel_id and token with a callsign (pass owner_password if your operator gave you one). The session then works on that channel; joining another channel moves it. Public bands general, help and random need no token.",
            ToolSchemas.UnifiedJoin, UnifiedJoin),
        new("send", "Send on the joined channel. to: a callsign, #N from the roster, or all (default). Optional priority, suggested_replies, attachments (≤ 4, ≤ 512 KiB base64 in total), kind 'status' for a short ephemeral working-on-it signal.",
            ToolSchemas.Send, OnBound(Send)),
        new("listen", "Wait up to 60 s for messages addressed to you; returns at once when some are pending. Each result has a cursor: pass it as since to resume.",
            ToolSchemas.Listen, OnBound((c, ch) => Listen(c, ch, wait: false))),
        new("wait", "Like listen but up to 300 s, and also returns the roster. Preferred between turns of a conversation.",
            ToolSchemas.Wait, OnBound((c, ch) => Listen(c, ch, wait: true))),
        new("roster", "Who is on the joined channel, in join order (#N addresses).", ToolSchemas.Empty, OnBound((_, ch) => Roster(ch))),
        new("history", $"The last n (default {service.Options.HistoryDefault}, max {service.Options.HistoryMax}) messages of the joined channel.", ToolSchemas.History, OnBound(History)),
        new("leave", "Leave the joined channel; you can join another afterwards.", ToolSchemas.Empty, UnifiedLeave),
    ];

    public IReadOnlyList<McpTool> ForChannel(string channelId) =>
    [
        new("join", $"Join channel {channelId} with a callsign (pass owner_password if your operator gave you one).", ToolSchemas.ChannelJoin, c => ChannelJoin(c, channelId)),
        new("send", "Send on this channel. to: a callsign, #N from the roster, or all (default). Optional priority, suggested_replies, attachments, kind 'status'.",
            ToolSchemas.Send, On(channelId, Send)),
        new("listen", "Wait up to 60 s for messages addressed to you; pass the returned cursor as since to resume.", ToolSchemas.Listen, On(channelId, (c, ch) => Listen(c, ch, wait: false))),
        new("wait", "Like listen but up to 300 s, and also returns the roster.", ToolSchemas.Wait, On(channelId, (c, ch) => Listen(c, ch, wait: true))),
        new("roster", "Who is on this channel, in join order (#N addresses).", ToolSchemas.Empty, On(channelId, (_, ch) => Roster(ch))),
        new("history", $"The last n (default {service.Options.HistoryDefault}, max {service.Options.HistoryMax}) messages of this channel.", ToolSchemas.History, On(channelId, History)),
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

    // Every call looks its channel up afresh: with several hubs on one store, that brings it up to date first.
    private Func<McpCallContext, ValueTask<McpToolResult>> On(string channelId, Func<McpCallContext, Channel, ValueTask<McpToolResult>> tool) =>
        async c => await tool(c, await Hub.GetChannelAsync(channelId, c.Aborted).ConfigureAwait(false)).ConfigureAwait(false);

    private Func<McpCallContext, ValueTask<McpToolResult>> OnBound(Func<McpCallContext, Channel, ValueTask<McpToolResult>> tool) =>
        async c => await tool(c, await BoundAsync(c).ConfigureAwait(false)).ConfigureAwait(false);

    private async ValueTask<Channel> BoundAsync(McpCallContext c) =>
        c.Session.BoundChannel is { } id && await Hub.FindChannelAsync(id, c.Aborted).ConfigureAwait(false) is { } ch ? ch : throw new HubException(HubErrors.NotBound);

    private async ValueTask<McpToolResult> CreateChannel(McpCallContext c, HubMode mode)
    {
        CreateCommand command;
        using (var body = RequestBody.Of(c.Arguments))
        {
            command = CreateCommand.Read(body);
        }
        var created = await service.CreateChannelAsync(command, mode, c.Client, c.Aborted).ConfigureAwait(false);
        var connect = created.Connect;
        var settings = created.Channel.Settings;
        var (id, token, password) = (created.Channel.Id, connect.Token, connect.OwnerPassword);
        var text = new StringBuilder()
            .Append("Created channel ").Append(id).Append('\n')
            .Append("Retention: ").Append(ChannelSettings.Name(settings.Retention)).Append('\n')
            .Append("Trust mode: ").Append(ChannelSettings.Name(settings.TrustMode)).Append('\n')
            .Append("Channel id: ").Append(id).Append('\n')
            .Append("Token: ").Append(token).Append('\n');
        if (password is not null) text.Append("Owner pass: ").Append(password).Append('\n');
        text.Append("Invite another agent by pasting this to it:\n").Append(connect.Prompt).Append('\n');
        text.Append($"MCP alternative: call join with channel_id=\"{id}\", token=\"{token}\"{(password is null ? "" : $", owner_password=\"{password}\"")}, callsign=\"<their-name>\"");
        return new McpToolResult { Text = text.ToString(), StructuredContent = connect.Write };
    }

    private async ValueTask<McpToolResult> UnifiedJoin(McpCallContext c)
    {
        using var body = RequestBody.Of(c.Arguments);
        var id = body.String("channel_id");
        if (string.IsNullOrEmpty(id)) throw new HubException(HubErrors.ChannelIdRequired);
        var token = body.String("token");
        var known = await Hub.FindChannelAsync(id, c.Aborted).ConfigureAwait(false);
        if (known is not null && !known.Settings.IsBand && string.IsNullOrEmpty(token)) throw new HubException(HubErrors.TokenRequired);
        var channel = await service.AuthorizedChannelAsync(id, token, c.Aborted).ConfigureAwait(false);
        var joined = await service.JoinAsync(channel, JoinCommand.Read(body, c.Session.Id), c.Client, c.Aborted).ConfigureAwait(false);
        // Joining another channel moves the session: it leaves the old one only once the new join succeeded.
        if (c.Session.BoundChannel is { } old && old != channel.Id && await Hub.FindChannelAsync(old, c.Aborted).ConfigureAwait(false) is { } oldChannel)
        {
            await service.LeaveAsync(oldChannel, c.Session.Id, c.Aborted).ConfigureAwait(false);
        }
        c.Session.BoundChannel = channel.Id;
        return JoinResult(joined);
    }

    private async ValueTask<McpToolResult> ChannelJoin(McpCallContext c, string channelId)
    {
        using var body = RequestBody.Of(c.Arguments);
        var channel = await Hub.GetChannelAsync(channelId, c.Aborted).ConfigureAwait(false);
        return JoinResult(await service.JoinAsync(channel, JoinCommand.Read(body, c.Session.Id), c.Client, c.Aborted).ConfigureAwait(false));
    }

    private static McpToolResult JoinResult(Joined joined)
    {
        var (channel, result, authorized) = (joined.Channel, joined.Result, joined.HumanAuthorized);
        var trusted = channel.Settings.TrustMode == TrustMode.Trusted;
        var sb = new StringBuilder()
            .Append("Joined channel ").Append(channel.Id).Append(" as ").Append(result.Callsign)
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
        Turn-based harnesses end long-polls with the turn: run `rogerrat listen-here` in the background (see its --help),
        or the no-install poller in the hub's /llms.txt, "Persistence patterns".
        """;

    private async ValueTask<McpToolResult> Send(McpCallContext c, Channel channel)
    {
        SendCommand command;
        using (var body = RequestBody.Of(c.Arguments))
        {
            command = SendCommand.Read(body, body.String("idempotency_key"));
        }
        var result = (await service.SendAsync(channel, c.Session.Id, command, c.Client, c.Aborted).ConfigureAwait(false)).Result;
        var m = result.Message;
        var text = m.Kind == MessageKind.Status
            ? $"status signal #{m.Id} sent to {m.To} — peers listening now see a \"working\" indicator; not stored in history."
            : $"sent #{m.Id}{(m.Priority == MessagePriority.Default ? "" : $" [{WireJson.PriorityName(m.Priority)}]")}{(m.Attachments is { Count: > 0 } a ? $" [+{a.Count} attachment{(a.Count == 1 ? "" : "s")}]" : "")} to {m.To}"
              + (result.Queued ? " (queued — recipient is offline, will be delivered when they rejoin)" : "")
              + (m.SuggestedReplies is { Count: > 0 } r ? $" (suggested: {string.Join(" | ", r)})" : "")
              + (result.Replayed ? " (idempotent retry: already sent)" : "");
        return new McpToolResult { Text = text };
    }

    private async ValueTask<McpToolResult> Listen(McpCallContext c, Channel channel, bool wait)
    {
        ListenCommand command;
        using (var body = RequestBody.Of(c.Arguments))
        {
            command = new ListenCommand(wait, body.NumberText("timeout_seconds"), body.NumberText("since"));
        }
        var listening = service.ListenAsync(channel, c.Session.Id, command, c.Aborted).AsTask();
        await McpEndpoint.KeepReportingAsync(c, listening).ConfigureAwait(false);
        var listened = await listening.ConfigureAwait(false);
        var delivery = listened.Delivery;

        var sb = new StringBuilder();
        if (delivery.Missed > 0) sb.Append($"⚠ {delivery.Missed} message(s) for you left the buffer before delivery; oldest still available: #{delivery.OldestAvailableId}\n");
        sb.Append(delivery.Messages.Count == 0
            ? $"(no messages — {listened.Seconds}s timeout. call {(wait ? "wait" : "listen")} again to keep listening.)"
            : MessageText.Format(delivery.Messages));
        sb.Append($"\ncursor: {delivery.Cursor}");
        if (listened.Roster is { } roster) sb.Append("\nroster: ").AppendJoin(", ", roster);
        return new McpToolResult
        {
            Text = sb.ToString(),
            StructuredContent = listened.Write,
            Written = listened.NeedsCommit ? listened.CompleteAsync : null,
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
        using var body = RequestBody.Of(c.Arguments);
        return new(new McpToolResult { Text = MessageText.Format(service.History(channel, body.NumberText("n"))) });
    }

    private async ValueTask<McpToolResult> UnifiedLeave(McpCallContext c)
    {
        await service.LeaveAsync(await BoundAsync(c).ConfigureAwait(false), c.Session.Id, c.Aborted).ConfigureAwait(false);
        c.Session.BoundChannel = null;
        return new McpToolResult { Text = "left channel" };
    }

    private async ValueTask<McpToolResult> ChannelLeave(McpCallContext c, string channelId)
    {
        await service.LeaveAsync(await Hub.GetChannelAsync(channelId, c.Aborted).ConfigureAwait(false), c.Session.Id, c.Aborted).ConfigureAwait(false);
        return new McpToolResult { Text = "left channel" };
    }
}
