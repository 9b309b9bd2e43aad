using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Mcp;

/// <summary>One delivered or stored message, reduced to what both faces must agree on.</summary>
internal sealed record Msg(string From, string To, string Text, string Kind = "message", string Priority = "default")
{
    public override string ToString() =>
        $"{From}→{To} {Kind}{(Priority == "default" ? "" : "/" + Priority)} '{(Text.Length <= 40 ? Text : $"{Text[..8]}…({Text.Length} chars)")}'";
}

/// <summary>
/// What a face call came to, normalised so a REST answer and an MCP tool result can be compared: ok or the error kind,
/// the resolved recipient and queued flag of a send, the messages of a listen/history, the roster of a join/roster call.
/// Equality is the canonical text (<see cref="ToString"/>); ids and raw texts are kept only for the scenario and for
/// diagnostics.
/// </summary>
internal sealed class Outcome
{
    public string Status { get; init; } = "ok";
    public string? To { get; init; }
    public bool? Queued { get; init; }
    /// <summary>A send answered from the idempotency cache, or a join that reused the caller's live session.</summary>
    public bool Replayed { get; init; }
    public bool Idempotent { get; init; }
    /// <summary>Listen gap report (PROTOCOL §1.4): eligible messages that left the ring undelivered.</summary>
    public long Missed { get; init; }
    public IReadOnlyList<Msg>? Messages { get; init; }
    public IReadOnlyList<string>? Roster { get; init; }

    /// <summary>Not in the canonical text: message ids (listen/history), the error's human text (REST <c>error</c>, MCP
    /// text after <c>error: </c>) and the raw failure for diagnostics.</summary>
    public IReadOnlyList<long> Ids { get; init; } = [];
    public string Wording { get; init; } = "";
    public string Detail { get; init; } = "";

    public static Outcome Ok => new();
    public static Outcome Error(string kind, string wording = "", string detail = "") => new() { Status = kind, Wording = wording, Detail = detail };
    public static Outcome Sent(string to, bool queued = false, bool replayed = false) => new() { To = to, Queued = queued, Replayed = replayed };
    public static Outcome Heard(params Msg[] messages) => new() { Messages = messages };
    public static Outcome Members(params string[] roster) => new() { Roster = roster };
    public static Outcome Rejoined(params string[] roster) => new() { Roster = roster, Idempotent = true };

    public override string ToString()
    {
        var sb = new StringBuilder(Status == "ok" ? "ok" : "error:" + Status);
        if (To is not null) sb.Append(" to=").Append(To);
        if (Queued is { } q) sb.Append(" queued=").Append(q ? "yes" : "no");
        if (Replayed) sb.Append(" replayed");
        if (Idempotent) sb.Append(" idempotent");
        if (Missed > 0) sb.Append(" missed=").Append(Missed);
        if (Messages is not null) sb.Append(" messages=[").AppendJoin(" | ", Messages).Append(']');
        if (Roster is not null) sb.Append(" roster=[").AppendJoin(", ", Roster).Append(']');
        return sb.ToString();
    }
}

/// <summary>An agent as seen through one of the hub's faces (REST or MCP), already pointed at one channel.</summary>
internal interface IAgentFace : IAsyncDisposable
{
    string Name { get; }
    /// <summary>Ids of every message this agent received through listen, in order.</summary>
    List<long> HeardIds { get; }
    Task<Outcome> Join(string callsign);
    /// <summary>idempotencyKey: REST <c>Idempotency-Key</c> header, MCP <c>idempotency_key</c> argument (PROTOCOL §1.7).</summary>
    Task<Outcome> Send(string to, string text, string? kind = null, string? priority = null, string? idempotencyKey = null);
    Task<Outcome> Listen(int timeoutSeconds, long? since = null);
    Task<Outcome> Roster();
    Task<Outcome> History(int n);
    Task<Outcome> Leave();
}

/// <summary>Maps both faces' failures onto one vocabulary of error kinds.</summary>
internal static class ErrorKinds
{
    /// <summary>
    /// "Not on the channel" has three spellings: REST <c>not_joined</c> (never joined), REST <c>session_expired</c>
    /// (left or timed out: the session id is tombstoned) and the MCP unified endpoint's "not joined to a channel" (the
    /// MCP session is bound to no channel). All three tell the agent the same thing: join (again) first.
    /// </summary>
    public const string NotJoined = "not_joined";

    public static string FromRestCode(string code) => code is "session_expired" ? NotJoined : code;

    public static string FromMcpText(string text)
    {
        var m = text.StartsWith("error: ", StringComparison.Ordinal) ? text["error: ".Length..] : text;
        if (m.StartsWith("not joined to", StringComparison.Ordinal) || m.StartsWith("session expired", StringComparison.Ordinal)) return NotJoined;
        if (m.Contains("is already in use on this channel", StringComparison.Ordinal)) return "callsign_taken";
        if (m.StartsWith("rate limit", StringComparison.Ordinal)) return "rate_limited";
        if (m.StartsWith("invalid token", StringComparison.Ordinal) || m.StartsWith("owner_password did not match", StringComparison.Ordinal)) return "unauthorized";
        if (m.StartsWith("channel not found", StringComparison.Ordinal)) return "not_found";
        string[] invalid =
        [
            "invalid ", "message text required", "message too long", "status message", "no callsign", "callsign required", "callsign is required",
            "callsign must", "callsign \"all\"", "suggested_replies", "attachments", "at most ", "since must", "timeout must", "X-Session-Id", "Idempotency-Key",
        ];
        return invalid.Any(p => m.StartsWith(p, StringComparison.Ordinal)) ? "invalid" : "unclassified";
    }

    public static Msg ReadMessage(JsonElement m) => new(
        m.GetProperty("from").GetString()!,
        m.GetProperty("to").GetString()!,
        m.GetProperty("text").GetString()!,
        m.TryGetProperty("kind", out var k) ? k.GetString()! : "message",
        m.TryGetProperty("priority", out var p) ? p.GetString()! : "default");

    public static Outcome ReadMessages(JsonElement array, long missed = 0) => new()
    {
        Messages = [.. array.EnumerateArray().Select(ReadMessage)],
        Ids = [.. array.EnumerateArray().Select(m => m.GetProperty("id").GetInt64())],
        Missed = missed,
    };

    /// <summary>A listen/wait result object (REST body or MCP structuredContent).</summary>
    public static Outcome ReadDelivery(JsonElement delivery) =>
        ReadMessages(delivery.GetProperty("messages"), delivery.TryGetProperty("missed", out var missed) ? missed.GetInt64() : 0);
}

/// <summary>The REST face: bearer token and X-Session-Id. Like the MCP face it brings its own session id to the first
/// join, so a callsign held by another session is refused rather than adopted (adoption is a REST-only courtesy for
/// clients that lost their session id, PROTOCOL §2.3).</summary>
internal sealed class RestFace(LiveHub hub, string channelId, string token) : IAgentFace
{
    private readonly string _sid = "rest-" + Guid.NewGuid().ToString("N");

    /// <summary>Which hub serves a route (join, send, listen, …); every route goes to the one hub unless set.</summary>
    public Func<string, LiveHub>? Route { get; init; }

    public string Name => "REST";
    public List<long> HeardIds { get; } = [];

    private async Task<(Outcome? Failure, JsonElement Json)> Call(HttpMethod method, string action, string? body = null, Dictionary<string, string>? headers = null)
    {
        var route = action.Split('?')[0];
        var (status, json) = await (Route?.Invoke(route) ?? hub).Send(method, $"/api/channels/{channelId}/{action}", body, token, _sid, headers);
        if (status == 200) return (null, json);
        var code = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("code", out var c) ? c.GetString()! : $"http_{status}";
        var error = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var e) ? e.GetString() : null;
        return (Outcome.Error(ErrorKinds.FromRestCode(code), error ?? "", $"{status} {code}: {error}"), json);
    }

    private static string Body(params (string Key, string? Value)[] fields)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (k, v) in fields) if (v is not null) w.WriteString(k, v);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public async Task<Outcome> Join(string callsign)
    {
        var (failure, json) = await Call(HttpMethod.Post, "join", Body(("callsign", callsign)));
        return failure ?? new Outcome
        {
            Roster = [.. json.GetProperty("roster").EnumerateArray().Select(e => e.GetString()!)],
            Idempotent = json.GetProperty("idempotent").GetBoolean(),
        };
    }

    public async Task<Outcome> Send(string to, string text, string? kind = null, string? priority = null, string? idempotencyKey = null)
    {
        var (failure, json) = await Call(HttpMethod.Post, "send", Body(("to", to), ("message", text), ("kind", kind), ("priority", priority)),
            idempotencyKey is null ? null : new() { ["Idempotency-Key"] = idempotencyKey });
        return failure ?? Outcome.Sent(json.GetProperty("to").GetString()!, json.GetProperty("queued").GetBoolean(),
            json.TryGetProperty("replayed", out var replayed) && replayed.GetBoolean());
    }

    public async Task<Outcome> Listen(int timeoutSeconds, long? since = null)
    {
        var query = $"listen?timeout={timeoutSeconds}" + (since is { } s ? $"&since={s.ToString(CultureInfo.InvariantCulture)}" : "");
        var (failure, json) = await Call(HttpMethod.Get, query);
        if (failure is not null) return failure;
        var outcome = ErrorKinds.ReadDelivery(json);
        HeardIds.AddRange(outcome.Ids);
        return outcome;
    }

    public async Task<Outcome> Roster()
    {
        var (failure, json) = await Call(HttpMethod.Get, "roster");
        return failure ?? Outcome.Members([.. json.GetProperty("roster_with_index").EnumerateArray()
            .Select(e => $"#{e.GetProperty("idx").GetInt32()} {e.GetProperty("callsign").GetString()}")]);
    }

    public async Task<Outcome> History(int n)
    {
        var (failure, json) = await Call(HttpMethod.Get, $"history?n={n}");
        return failure ?? ErrorKinds.ReadMessages(json.GetProperty("history"));
    }

    public async Task<Outcome> Leave() => (await Call(HttpMethod.Post, "leave", "{}")).Failure ?? Outcome.Ok;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>The MCP face: the official C# MCP client on the unified <c>/mcp</c> endpoint, joining with channel_id, token
/// and callsign. Listen messages come from <c>structuredContent</c>; roster, history, join and send have only text,
/// which is parsed in the hub's documented line formats.</summary>
internal sealed partial class McpFace : IAgentFace
{
    private readonly McpClient _client;
    private readonly string _channelId;
    private readonly string _token;

    private McpFace(McpClient client, string channelId, string token) => (_client, _channelId, _token) = (client, channelId, token);

    public static async Task<McpFace> Connect(LiveHub hub, string channelId, string token)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri($"{hub.Base}/mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        });
        var client = await McpClient.CreateAsync(transport, new McpClientOptions { ProtocolVersion = "2025-11-25" });
        return new McpFace(client, channelId, token);
    }

    public string Name => "MCP";
    public List<long> HeardIds { get; } = [];

    private static string Text(CallToolResult r) => string.Join("\n", r.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private async Task<(Outcome? Failure, CallToolResult? Result, string Text)> Call(string tool, Dictionary<string, object?>? args = null)
    {
        try
        {
            var result = await _client.CallToolAsync(tool, args ?? []);
            var text = Text(result);
            if (result.IsError == true)
            {
                var wording = text.StartsWith("error: ", StringComparison.Ordinal) ? text["error: ".Length..] : text;
                return (Outcome.Error(ErrorKinds.FromMcpText(text), wording, text), result, text);
            }
            return (null, result, text);
        }
        catch (McpException e)
        {
            return (Outcome.Error("protocol_error", e.Message, e.Message), null, "");
        }
    }

    [GeneratedRegex(@"^Roster \(\d+\): (.*)$", RegexOptions.Multiline)]
    private static partial Regex JoinRosterLine();

    [GeneratedRegex(@"^(?:sent #\d+(?: \[\w+\])?(?: \[\+\d+ attachments?\])? to |status signal #\d+ sent to )(\S+)")]
    private static partial Regex SentTo();

    [GeneratedRegex(@"^\s*#(\d+)\s+(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex RosterLine();

    [GeneratedRegex(@"^#(\d+) \[\d\d:\d\d:\d\d\] (\S+)(?: \(all\)| →(\S+))( \[status\])?(?: \[(min|low|high|urgent)\])?: (.*)$", RegexOptions.Multiline)]
    private static partial Regex MessageLine();

    public async Task<Outcome> Join(string callsign)
    {
        var (failure, _, text) = await Call("join", new() { ["channel_id"] = _channelId, ["token"] = _token, ["callsign"] = callsign });
        if (failure is not null) return failure;
        var line = JoinRosterLine().Match(text);
        Assert.True(line.Success, $"no roster line in the join result: {text}");
        return new Outcome
        {
            Roster = line.Groups[1].Value.Split(", ", StringSplitOptions.RemoveEmptyEntries),
            Idempotent = text.Contains("(idempotent: existing session reused)", StringComparison.Ordinal),
        };
    }

    public async Task<Outcome> Send(string to, string text, string? kind = null, string? priority = null, string? idempotencyKey = null)
    {
        var args = new Dictionary<string, object?> { ["to"] = to, ["message"] = text };
        if (idempotencyKey is not null) args["idempotency_key"] = idempotencyKey;
        if (kind is not null) args["kind"] = kind;
        if (priority is not null) args["priority"] = priority;
        var (failure, _, result) = await Call("send", args);
        if (failure is not null) return failure;
        var match = SentTo().Match(result);
        Assert.True(match.Success, $"unexpected send result: {result}");
        return Outcome.Sent(match.Groups[1].Value, result.Contains("(queued", StringComparison.Ordinal),
            result.Contains("(idempotent retry: already sent)", StringComparison.Ordinal));
    }

    public async Task<Outcome> Listen(int timeoutSeconds, long? since = null)
    {
        var args = new Dictionary<string, object?> { ["timeout_seconds"] = timeoutSeconds };
        if (since is not null) args["since"] = since;
        var (failure, result, text) = await Call("listen", args);
        if (failure is not null) return failure;
        Assert.True(result!.StructuredContent is { ValueKind: JsonValueKind.Object }, $"listen without structuredContent: {text}");
        var structured = result.StructuredContent!.Value;
        Assert.Contains($"cursor: {structured.GetProperty("cursor").GetInt64()}", text);
        var outcome = ErrorKinds.ReadDelivery(structured);
        HeardIds.AddRange(outcome.Ids);
        return outcome;
    }

    public async Task<Outcome> Roster()
    {
        var (failure, _, text) = await Call("roster");
        return failure ?? Outcome.Members([.. RosterLine().Matches(text).Select(m => $"#{m.Groups[1].Value} {m.Groups[2].Value}")]);
    }

    public async Task<Outcome> History(int n)
    {
        var (failure, _, text) = await Call("history", new() { ["n"] = n });
        if (failure is not null) return failure;
        var matches = MessageLine().Matches(text);
        Assert.True(matches.Count > 0 || text == "(no messages)", $"unparsed history: {text}");
        return new Outcome
        {
            Messages = [.. matches.Select(m => new Msg(m.Groups[2].Value, m.Groups[3].Success ? m.Groups[3].Value : "all", m.Groups[6].Value,
                m.Groups[4].Success ? "status" : "message", m.Groups[5].Success ? m.Groups[5].Value : "default"))],
            Ids = [.. matches.Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))],
        };
    }

    public async Task<Outcome> Leave() => (await Call("leave")).Failure ?? Outcome.Ok;

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
