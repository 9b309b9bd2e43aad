using System.Globalization;
using System.Text;
using System.Text.Json;
using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Api;
using RogerRat.Http.Server;
using RogerRat.Mcp;

namespace RogerRat.Host;

/// <summary>The objects a <c>--config</c> file and the limit flags write into.</summary>
internal sealed class ConfigTargets(HttpServerOptions http)
{
    public HubOptions Hub { get; } = new();

    /// <summary>The server's own options object (HubServerOptions.Http has no setter), written in place.</summary>
    public HttpServerOptions Http { get; } = http;
    public HubServiceOptions Api { get; } = new();
    public McpHubOptions Mcp { get; } = new();

    /// <summary>The transcript file store's limits (used with <c>--data-dir</c>); the host sets its directory.</summary>
    public RogerRat.Storage.Transcripts.TranscriptStoreOptions Transcripts { get; } = new() { Directory = "transcripts" };

    /// <summary>The shared store's limits (used with <c>--redis</c>, which sets its configuration string).</summary>
    public RogerRat.Redis.RedisStoreOptions Redis { get; } = new();

    /// <summary>Rate limits set by the config; null members keep the preset the host picks (none on loopback).</summary>
    public int?[] RateLimits { get; } = new int?[4];
}

/// <summary>
/// <c>--config &lt;file.json&gt;</c>: every limit of <see cref="HubOptions"/>, <see cref="HttpServerLimits"/> (plus the
/// listen backlog), the REST face's timeouts and rate limits and the MCP endpoint's limits, by property name, e.g.
/// <c>{"Hub":{"MaxSessionsPerChannel":20000},"Http":{"MaxConcurrentConnections":60000}}</c>. Read with
/// <see cref="Utf8JsonReader"/> (no reflection: NativeAOT). Values go through the options' own setters, so their range
/// checks apply; an unknown section or key, a wrong type or an out-of-range value is an error, never ignored.
/// TimeSpans are seconds (a number) or a <c>[d.]hh:mm:ss[.fff]</c> string.
/// </summary>
internal static class HostConfig
{
    private enum Kind { Int, Long, Double, Time }

    private sealed record Key(string Section, string Name, Kind Kind, Func<ConfigTargets, object> Get, Action<ConfigTargets, object> Set, string? Flag = null);

    private static Key I(string section, string name, Func<ConfigTargets, int> get, Action<ConfigTargets, int> set, string? flag = null) =>
        new(section, name, Kind.Int, t => get(t), (t, v) => set(t, (int)v), flag);

    private static Key L(string section, string name, Func<ConfigTargets, long> get, Action<ConfigTargets, long> set) =>
        new(section, name, Kind.Long, t => get(t), (t, v) => set(t, (long)v));

    private static Key D(string section, string name, Func<ConfigTargets, double> get, Action<ConfigTargets, double> set) =>
        new(section, name, Kind.Double, t => get(t), (t, v) => set(t, (double)v));

    private static Key T(string section, string name, Func<ConfigTargets, TimeSpan> get, Action<ConfigTargets, TimeSpan> set) =>
        new(section, name, Kind.Time, t => get(t), (t, v) => set(t, (TimeSpan)v));

    private static Key Rate(int index, string name) =>
        new("Api", name, Kind.Int, t => t.RateLimits[index] is { } v ? v : "preset", (t, v) =>
        {
            t.RateLimits[index] = (int)v >= 0 ? (int)v : throw new ArgumentOutOfRangeException(name, v, "must be 0 (unlimited) or more");
        });

    // Written out by hand (no reflection under NativeAOT): a limit added to an options class must be added here too.
    private static readonly Key[] s_keys =
    [
        I("Hub", nameof(HubOptions.RingCapacity), t => t.Hub.RingCapacity, (t, v) => t.Hub.RingCapacity = v),
        I("Hub", nameof(HubOptions.JoinHistoryCount), t => t.Hub.JoinHistoryCount, (t, v) => t.Hub.JoinHistoryCount = v),
        T("Hub", nameof(HubOptions.DefaultSessionTtl), t => t.Hub.DefaultSessionTtl, (t, v) => t.Hub.DefaultSessionTtl = v),
        T("Hub", nameof(HubOptions.MaxSessionTtl), t => t.Hub.MaxSessionTtl, (t, v) => t.Hub.MaxSessionTtl = v),
        T("Hub", nameof(HubOptions.TombstoneLifetime), t => t.Hub.TombstoneLifetime, (t, v) => t.Hub.TombstoneLifetime = v),
        T("Hub", nameof(HubOptions.GcInterval), t => t.Hub.GcInterval, (t, v) => t.Hub.GcInterval = v),
        T("Hub", nameof(HubOptions.IdempotencyKeyLifetime), t => t.Hub.IdempotencyKeyLifetime, (t, v) => t.Hub.IdempotencyKeyLifetime = v),
        I("Hub", nameof(HubOptions.MaxChannels), t => t.Hub.MaxChannels, (t, v) => t.Hub.MaxChannels = v, "--max-channels"),
        I("Hub", nameof(HubOptions.MaxSessionsPerChannel), t => t.Hub.MaxSessionsPerChannel, (t, v) => t.Hub.MaxSessionsPerChannel = v, "--max-sessions-per-channel"),
        I("Hub", nameof(HubOptions.MaxCallsignsPerChannel), t => t.Hub.MaxCallsignsPerChannel, (t, v) => t.Hub.MaxCallsignsPerChannel = v),
        I("Hub", nameof(HubOptions.MaxTombstonesPerChannel), t => t.Hub.MaxTombstonesPerChannel, (t, v) => t.Hub.MaxTombstonesPerChannel = v),
        I("Hub", nameof(HubOptions.MaxIdempotencyKeysPerChannel), t => t.Hub.MaxIdempotencyKeysPerChannel, (t, v) => t.Hub.MaxIdempotencyKeysPerChannel = v),
        I("Hub", nameof(HubOptions.MaxIdempotencyKeyLength), t => t.Hub.MaxIdempotencyKeyLength, (t, v) => t.Hub.MaxIdempotencyKeyLength = v),
        I("Hub", nameof(HubOptions.MaxMessageChars), t => t.Hub.MaxMessageChars, (t, v) => t.Hub.MaxMessageChars = v),
        I("Hub", nameof(HubOptions.MaxStatusChars), t => t.Hub.MaxStatusChars, (t, v) => t.Hub.MaxStatusChars = v),
        I("Hub", nameof(HubOptions.MaxAttachments), t => t.Hub.MaxAttachments, (t, v) => t.Hub.MaxAttachments = v),
        I("Hub", nameof(HubOptions.MaxAttachmentBase64Chars), t => t.Hub.MaxAttachmentBase64Chars, (t, v) => t.Hub.MaxAttachmentBase64Chars = v),
        I("Hub", nameof(HubOptions.MaxAttachmentFilenameChars), t => t.Hub.MaxAttachmentFilenameChars, (t, v) => t.Hub.MaxAttachmentFilenameChars = v),
        I("Hub", nameof(HubOptions.MaxSuggestedReplies), t => t.Hub.MaxSuggestedReplies, (t, v) => t.Hub.MaxSuggestedReplies = v),
        I("Hub", nameof(HubOptions.MaxSuggestedReplyChars), t => t.Hub.MaxSuggestedReplyChars, (t, v) => t.Hub.MaxSuggestedReplyChars = v),
        I("Hub", nameof(HubOptions.StatusInboxCapacity), t => t.Hub.StatusInboxCapacity, (t, v) => t.Hub.StatusInboxCapacity = v),
        I("Hub", nameof(HubOptions.MaxPooledWaiters), t => t.Hub.MaxPooledWaiters, (t, v) => t.Hub.MaxPooledWaiters = v),
        I("Hub", nameof(HubOptions.OwnerPasswordIterations), t => t.Hub.OwnerPasswordIterations, (t, v) => t.Hub.OwnerPasswordIterations = v),
        I("Hub", nameof(HubOptions.MinOwnerPasswordChars), t => t.Hub.MinOwnerPasswordChars, (t, v) => t.Hub.MinOwnerPasswordChars = v),
        I("Hub", nameof(HubOptions.MaxOwnerPasswordChars), t => t.Hub.MaxOwnerPasswordChars, (t, v) => t.Hub.MaxOwnerPasswordChars = v),
        I("Hub", nameof(HubOptions.MinClientSessionIdLength), t => t.Hub.MinClientSessionIdLength, (t, v) => t.Hub.MinClientSessionIdLength = v),
        I("Hub", nameof(HubOptions.MaxClientSessionIdLength), t => t.Hub.MaxClientSessionIdLength, (t, v) => t.Hub.MaxClientSessionIdLength = v),
        T("Hub", nameof(HubOptions.DeliveryLeaseTimeout), t => t.Hub.DeliveryLeaseTimeout, (t, v) => t.Hub.DeliveryLeaseTimeout = v),

        I("Http", nameof(HttpServerLimits.MaxRequestLineSize), t => t.Http.Limits.MaxRequestLineSize, (t, v) => t.Http.Limits.MaxRequestLineSize = v),
        I("Http", nameof(HttpServerLimits.MaxRequestHeadersTotalSize), t => t.Http.Limits.MaxRequestHeadersTotalSize, (t, v) => t.Http.Limits.MaxRequestHeadersTotalSize = v),
        I("Http", nameof(HttpServerLimits.MaxRequestHeaderCount), t => t.Http.Limits.MaxRequestHeaderCount, (t, v) => t.Http.Limits.MaxRequestHeaderCount = v),
        I("Http", nameof(HttpServerLimits.MaxChunkSizeLineLength), t => t.Http.Limits.MaxChunkSizeLineLength, (t, v) => t.Http.Limits.MaxChunkSizeLineLength = v),
        L("Http", nameof(HttpServerLimits.MaxRequestBodySize), t => t.Http.Limits.MaxRequestBodySize, (t, v) => t.Http.Limits.MaxRequestBodySize = v),
        T("Http", nameof(HttpServerLimits.RequestHeadersTimeout), t => t.Http.Limits.RequestHeadersTimeout, (t, v) => t.Http.Limits.RequestHeadersTimeout = v),
        T("Http", nameof(HttpServerLimits.KeepAliveTimeout), t => t.Http.Limits.KeepAliveTimeout, (t, v) => t.Http.Limits.KeepAliveTimeout = v),
        D("Http", nameof(HttpServerLimits.MinRequestBodyDataRate), t => t.Http.Limits.MinRequestBodyDataRate, (t, v) => t.Http.Limits.MinRequestBodyDataRate = v),
        T("Http", nameof(HttpServerLimits.MinRequestBodyDataRateGracePeriod), t => t.Http.Limits.MinRequestBodyDataRateGracePeriod, (t, v) => t.Http.Limits.MinRequestBodyDataRateGracePeriod = v),
        D("Http", nameof(HttpServerLimits.MinResponseDataRate), t => t.Http.Limits.MinResponseDataRate, (t, v) => t.Http.Limits.MinResponseDataRate = v),
        T("Http", nameof(HttpServerLimits.MinResponseDataRateGracePeriod), t => t.Http.Limits.MinResponseDataRateGracePeriod, (t, v) => t.Http.Limits.MinResponseDataRateGracePeriod = v),
        I("Http", nameof(HttpServerLimits.MaxConcurrentConnections), t => t.Http.Limits.MaxConcurrentConnections, (t, v) => t.Http.Limits.MaxConcurrentConnections = v, "--max-connections"),
        T("Http", nameof(HttpServerLimits.ShutdownDrainTimeout), t => t.Http.Limits.ShutdownDrainTimeout, (t, v) => t.Http.Limits.ShutdownDrainTimeout = v),
        I("Http", nameof(HttpServerOptions.Backlog), t => t.Http.Backlog, (t, v) => t.Http.Backlog = v),

        D("Api", nameof(HubServiceOptions.ListenDefaultSeconds), t => t.Api.ListenDefaultSeconds, (t, v) => t.Api.ListenDefaultSeconds = v),
        D("Api", nameof(HubServiceOptions.ListenMaxSeconds), t => t.Api.ListenMaxSeconds, (t, v) => t.Api.ListenMaxSeconds = v),
        D("Api", nameof(HubServiceOptions.WaitDefaultSeconds), t => t.Api.WaitDefaultSeconds, (t, v) => t.Api.WaitDefaultSeconds = v),
        D("Api", nameof(HubServiceOptions.WaitMaxSeconds), t => t.Api.WaitMaxSeconds, (t, v) => t.Api.WaitMaxSeconds = v),
        I("Api", nameof(HubServiceOptions.HistoryDefault), t => t.Api.HistoryDefault, (t, v) => t.Api.HistoryDefault = v),
        I("Api", nameof(HubServiceOptions.HistoryMax), t => t.Api.HistoryMax, (t, v) => t.Api.HistoryMax = v),
        I("Api", nameof(HubServiceOptions.TranscriptEventsInMemory), t => t.Api.TranscriptEventsInMemory, (t, v) => t.Api.TranscriptEventsInMemory = v),
        I("Api", nameof(HubServiceOptions.TranscriptLimitDefault), t => t.Api.TranscriptLimitDefault, (t, v) => t.Api.TranscriptLimitDefault = v),
        I("Api", nameof(HubServiceOptions.TranscriptLimitMax), t => t.Api.TranscriptLimitMax, (t, v) => t.Api.TranscriptLimitMax = v),
        Rate(0, nameof(Core.Service.RateLimits.SendsPerMinute)),
        Rate(1, nameof(Core.Service.RateLimits.BandSendsPerMinute)),
        Rate(2, nameof(Core.Service.RateLimits.CreatesPerMinute)),
        Rate(3, nameof(Core.Service.RateLimits.JoinsPerMinute)),

        I("Mcp", nameof(McpHubOptions.MaxSessions), t => t.Mcp.MaxSessions, (t, v) => t.Mcp.MaxSessions = v),
        T("Mcp", nameof(McpHubOptions.SessionIdleLifetime), t => t.Mcp.SessionIdleLifetime, (t, v) => t.Mcp.SessionIdleLifetime = v),
        I("Mcp", nameof(McpEndpointLimits.MaxBatchSize), t => t.Mcp.Limits.MaxBatchSize, (t, v) => t.Mcp.Limits.MaxBatchSize = v),
        I("Mcp", nameof(McpEndpointLimits.MaxSubscriptionsPerSession), t => t.Mcp.Limits.MaxSubscriptionsPerSession, (t, v) => t.Mcp.Limits.MaxSubscriptionsPerSession = v),
        I("Mcp", nameof(McpEndpointLimits.MaxSubscriptionUriLength), t => t.Mcp.Limits.MaxSubscriptionUriLength, (t, v) => t.Mcp.Limits.MaxSubscriptionUriLength = v),

        I("Transcripts", nameof(RogerRat.Storage.Transcripts.TranscriptStoreOptions.QueueCapacity), t => t.Transcripts.QueueCapacity, (t, v) => t.Transcripts.QueueCapacity = v),
        I("Transcripts", nameof(RogerRat.Storage.Transcripts.TranscriptStoreOptions.MaxBatch), t => t.Transcripts.MaxBatch, (t, v) => t.Transcripts.MaxBatch = v),

        T("Redis", nameof(RogerRat.Redis.RedisStoreOptions.OperationTimeout), t => t.Redis.OperationTimeout, (t, v) => t.Redis.OperationTimeout = v),
        T("Redis", nameof(RogerRat.Redis.RedisStoreOptions.WriteLeaseTimeout), t => t.Redis.WriteLeaseTimeout, (t, v) => t.Redis.WriteLeaseTimeout = v),
        T("Redis", nameof(RogerRat.Redis.RedisStoreOptions.MaxLeaseHold), t => t.Redis.MaxLeaseHold, (t, v) => t.Redis.MaxLeaseHold = v),
        I("Redis", nameof(RogerRat.Redis.RedisStoreOptions.ChangeLogLength), t => t.Redis.ChangeLogLength, (t, v) => t.Redis.ChangeLogLength = v),
        I("Redis", nameof(RogerRat.Redis.RedisStoreOptions.MaxCatchUp), t => t.Redis.MaxCatchUp, (t, v) => t.Redis.MaxCatchUp = v),
        T("Redis", nameof(RogerRat.Redis.RedisStoreOptions.HeartbeatInterval), t => t.Redis.HeartbeatInterval, (t, v) => t.Redis.HeartbeatInterval = v),
        T("Redis", nameof(RogerRat.Redis.RedisStoreOptions.HubTimeout), t => t.Redis.HubTimeout, (t, v) => t.Redis.HubTimeout = v),
        T("Redis", nameof(RogerRat.Redis.RedisStoreOptions.WatchLinger), t => t.Redis.WatchLinger, (t, v) => t.Redis.WatchLinger = v),
    ];

    /// <summary>Reads <paramref name="path"/> (if any), then the limit flags (already merged over their env vars), into
    /// fresh options and <paramref name="http"/>; returns an error message or null.</summary>
    public static string? Load(string? path, IReadOnlyList<(string Flag, string Value)> flags, HttpServerOptions http, out ConfigTargets targets)
    {
        targets = new ConfigTargets(http);
        if (path is not null)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return $"--config {path}: {e.Message}";
            }
            var error = Apply(bytes, targets);
            if (error is not null) return $"--config {path}: {error}";
        }
        foreach (var (flag, value) in flags)
        {
            var key = s_keys.First(k => k.Flag == flag);
            if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return $"{flag} must be an integer, got '{value}'";
            }
            var error = Set(key, n, targets);
            if (error is not null) return $"{flag}: {error}";
        }
        return CrossCheck(targets);
    }

    /// <summary>Applies one config document; internal for tests.</summary>
    internal static string? Apply(ReadOnlySpan<byte> json, ConfigTargets targets)
    {
        if (json.StartsWith("\uFEFF"u8)) json = json[3..]; // editors on Windows save one; Utf8JsonReader refuses it
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "the document must be a JSON object of sections (Hub, Http, Api, Mcp, Transcripts)";
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var section = reader.GetString()!;
                if (!s_keys.Any(k => k.Section == section)) return $"unknown section '{section}' (sections: Hub, Http, Api, Mcp, Transcripts; every key: rogerrat --help --all)";
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return $"'{section}' must be an object";
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    var full = $"{section}.{name}";
                    var key = s_keys.FirstOrDefault(k => k.Section == section && k.Name == name);
                    if (key is null) return $"unknown key '{full}' (every key: rogerrat --help --all)";
                    if (!seen.Add(full)) return $"'{full}' is given twice";
                    if (!reader.Read()) return $"'{full}' has no value";
                    if (!TryRead(ref reader, key.Kind, out var value)) return $"'{full}' must be {Describe(key.Kind)}";
                    var error = Set(key, value, targets);
                    if (error is not null) return $"{full}: {error}";
                }
                if (reader.TokenType != JsonTokenType.EndObject) return $"'{section}' is not a flat object of keys";
            }
            if (reader.TokenType != JsonTokenType.EndObject) return "the document must be a JSON object of sections";
            if (reader.Read()) return "unexpected content after the document";
        }
        catch (JsonException e)
        {
            return $"not valid JSON: {e.Message}";
        }
        return null;
    }

    private static string? Set(Key key, object value, ConfigTargets targets)
    {
        try
        {
            key.Set(targets, value);
            return null;
        }
        catch (ArgumentOutOfRangeException e)
        {
            // The options' own checks; their message's first line without the parameter suffix.
            var message = e.Message.Split('\n')[0];
            var cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            if (cut >= 0) message = message[..cut];
            return $"{Format(value)} is out of range ({message})";
        }
    }

    private static string? CrossCheck(ConfigTargets t)
    {
        if (t.Hub.DefaultSessionTtl > t.Hub.MaxSessionTtl) return "Hub.DefaultSessionTtl must not exceed Hub.MaxSessionTtl";
        if (t.Hub.MinOwnerPasswordChars > t.Hub.MaxOwnerPasswordChars) return "Hub.MinOwnerPasswordChars must not exceed Hub.MaxOwnerPasswordChars";
        if (t.Hub.MinClientSessionIdLength > t.Hub.MaxClientSessionIdLength) return "Hub.MinClientSessionIdLength must not exceed Hub.MaxClientSessionIdLength";
        if (t.Api.ListenDefaultSeconds > t.Api.ListenMaxSeconds) return "Api.ListenDefaultSeconds must not exceed Api.ListenMaxSeconds";
        if (t.Api.WaitDefaultSeconds > t.Api.WaitMaxSeconds) return "Api.WaitDefaultSeconds must not exceed Api.WaitMaxSeconds";
        if (t.Api.HistoryDefault > t.Api.HistoryMax) return "Api.HistoryDefault must not exceed Api.HistoryMax";
        return null;
    }

    private static bool TryRead(ref Utf8JsonReader reader, Kind kind, out object value)
    {
        value = 0;
        switch (kind)
        {
            case Kind.Int when reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var i): value = i; return true;
            case Kind.Long when reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var l): value = l; return true;
            case Kind.Double when reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var d): value = d; return true;
            case Kind.Time when reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var s) && double.IsFinite(s) && Math.Abs(s) < TimeSpan.MaxValue.TotalSeconds:
                value = TimeSpan.FromSeconds(s);
                return true;
            case Kind.Time when reader.TokenType == JsonTokenType.String && TimeSpan.TryParseExact(reader.GetString(), "c", CultureInfo.InvariantCulture, out var ts):
                value = ts;
                return true;
            default: return false;
        }
    }

    private static string Describe(Kind kind) => kind switch
    {
        Kind.Int => "an integer (32-bit)",
        Kind.Long => "an integer",
        Kind.Double => "a number",
        _ => "seconds (a number) or a \"[d.]hh:mm:ss[.fff]\" string",
    };

    private static string Format(object value) => value switch
    {
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The part of <c>rogerrat --help --all</c> that lists every key with its default.</summary>
    public static string Help()
    {
        var defaults = new ConfigTargets(new HttpServerOptions());
        var sb = new StringBuilder();
        sb.AppendLine("""
            --config <file.json> keys (ROGERRAT_CONFIG), by section, with their defaults. TimeSpans are seconds or
            "[d.]hh:mm:ss"; unknown keys and out-of-range values stop the hub with exit code 2. Example:
              {"Hub":{"MaxSessionsPerChannel":20000},"Http":{"MaxConcurrentConnections":60000}}
            Flags and env vars win over the file.
            """);
        string? section = null;
        foreach (var key in s_keys)
        {
            if (key.Section != section)
            {
                section = key.Section;
                sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"  {section}");
            }
            var value = Format(key.Get(defaults));
            if (key.Section == "Api" && value == "preset") value = "0 on loopback, else the public preset (60/10/20/120)";
            var flag = key.Flag is null ? "" : $"  {key.Flag} / ROGERRAT_{key.Flag[2..].Replace('-', '_').ToUpperInvariant()}";
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"    {key.Name,-36} {value,-12}{flag}").TrimEnd());
        }
        return sb.ToString();
    }

    /// <summary>The limit flags this class owns, for <see cref="HostOptions"/>.</summary>
    public static bool IsLimitFlag(string flag) => s_keys.Any(k => k.Flag == flag);

    /// <summary>The rate limits to use: the preset, with the config's overrides.</summary>
    public static RateLimits RateLimits(ConfigTargets t, RateLimits preset) => new(
        t.RateLimits[0] ?? preset.SendsPerMinute,
        t.RateLimits[1] ?? preset.BandSendsPerMinute,
        t.RateLimits[2] ?? preset.CreatesPerMinute,
        t.RateLimits[3] ?? preset.JoinsPerMinute);
}
