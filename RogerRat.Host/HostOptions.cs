using System.Globalization;
using System.Net;

namespace RogerRat.Host;

/// <summary>The hub's command line (reference §11.2 plus <c>--trusted-proxy</c>, <c>--allow-origin</c>, <c>--log-level</c>),
/// each flag also readable from a <c>ROGERRAT_*</c> environment variable; flags win.</summary>
internal sealed class HostOptions
{
    public int Port { get; private set; } = 7424;
    public string Host { get; private set; } = "127.0.0.1";
    public string? Token { get; private set; }
    public string? AdminToken { get; private set; }
    public string? DataDir { get; private set; }
    /// <summary>A StackExchange.Redis configuration string: channels live in that Redis, shared with other hubs.</summary>
    public string? Redis { get; private set; }
    /// <summary>When a logged write is durable (<c>--fsync</c>); only with <see cref="DataDir"/>.</summary>
    public RogerRat.Storage.FsyncPolicy Fsync { get; private set; } = RogerRat.Storage.FsyncPolicy.Batch;
    private bool _fsyncGiven;
    public string? Origin { get; private set; }
    public List<IPAddress> TrustedProxies { get; } = [];
    public List<string> AllowedOrigins { get; } = [];
    public string LogLevel { get; private set; } = "information";
    public bool Help { get; private set; }
    public bool HelpAll { get; private set; }
    /// <summary>Webhooks may target loopback, link-local and private addresses (a test rig or a LAN receiver).</summary>
    public bool AllowPrivateWebhooks { get; private set; }
    public string? ConfigPath { get; private set; }

    /// <summary>The limit flags (<c>--max-*</c>) in the order given, env first; <see cref="HostConfig"/> applies them.</summary>
    public List<(string Flag, string Value)> LimitFlags { get; } = [];

    public const string Usage = """
        rogerrat — walkie-talkie hub for AI agents

        usage: rogerrat [options]                  run the hub
               rogerrat listen-here [options]      receive a channel into an inbox file (--help for its flags)
               rogerrat receive-recipe [options]   print a paste-ready receive recipe (--help for its flags)

          --port <n>             port to listen on (default 7424)                 ROGERRAT_PORT
          --host <addr>          address to bind (default 127.0.0.1)              ROGERRAT_HOST
          --token <secret>       hub token; required to bind a non-loopback host  ROGERRAT_TOKEN
          --admin-token <s>      enables the admin API and guards /metrics        ROGERRAT_ADMIN_TOKEN
          --data-dir <path>      keep channels, messages, cursors and sessions    ROGERRAT_DATA_DIR
                                 in an append-only log there (created 0700; one
                                 hub per dir), and transcripts as JSONL files in
                                 <path>/transcripts (or ROGERRAT_TRANSCRIPTS);
                                 without it all state, transcripts included, is
                                 in memory and lost at exit
          --fsync <policy>       with --data-dir: always (fsync per write),       ROGERRAT_FSYNC
                                 batch (default: group commit, one fsync per
                                 window of writes) or off (no fsync; survives a
                                 crash of the hub, not of the machine)
          --redis <config>       keep channels in this Redis, shared with the     ROGERRAT_REDIS
                                 other hubs given the same one (several hubs
                                 behind a load balancer act as one), e.g.
                                 127.0.0.1:6379,password=...; not with --data-dir
          --origin <url>         public origin used in generated URLs             ROGERRAT_ORIGIN
          --trusted-proxy <ip>   believe X-Forwarded-For from this peer (repeat)  ROGERRAT_TRUSTED_PROXY (comma list)
          --allow-origin <url>   extra Origin allowed on /mcp (repeat)            ROGERRAT_ALLOW_ORIGIN (comma list)
          --allow-private-webhooks  webhooks may target loopback/private hosts    ROGERRAT_ALLOW_PRIVATE_WEBHOOKS=1
          --log-level <level>    trace|debug|information|warning|error            ROGERRAT_LOG_LEVEL
          --config <file.json>   every limit by name (see --help --all)           ROGERRAT_CONFIG
          --max-sessions-per-channel <n>  (default 1000)                          ROGERRAT_MAX_SESSIONS_PER_CHANNEL
          --max-channels <n>     channels (default 10000; with --redis, in all)   ROGERRAT_MAX_CHANNELS
          --max-connections <n>  concurrent connections (default 10000)           ROGERRAT_MAX_CONNECTIONS
          -h, --help             this help; --help --all lists every config key with its default
        """;

    /// <summary>Parses flags over environment defaults; returns an error message or null.</summary>
    public static (HostOptions? Options, string? Error) Parse(string[] args, Func<string, string?> env)
    {
        var o = new HostOptions();
        try
        {
            o.Apply("--port", env("ROGERRAT_PORT"));
            o.Apply("--host", env("ROGERRAT_HOST"));
            o.Apply("--token", env("ROGERRAT_TOKEN"));
            o.Apply("--admin-token", env("ROGERRAT_ADMIN_TOKEN"));
            o.Apply("--data-dir", env("ROGERRAT_DATA_DIR"));
            o.Apply("--fsync", env("ROGERRAT_FSYNC"));
            o.Apply("--redis", env("ROGERRAT_REDIS"));
            o.Apply("--origin", env("ROGERRAT_ORIGIN"));
            o.Apply("--log-level", env("ROGERRAT_LOG_LEVEL"));
            o.Apply("--config", env("ROGERRAT_CONFIG"));
            o.AllowPrivateWebhooks = env("ROGERRAT_ALLOW_PRIVATE_WEBHOOKS") is "1" or "true";
            o.Apply("--max-sessions-per-channel", env("ROGERRAT_MAX_SESSIONS_PER_CHANNEL"));
            o.Apply("--max-channels", env("ROGERRAT_MAX_CHANNELS"));
            o.Apply("--max-connections", env("ROGERRAT_MAX_CONNECTIONS"));
            foreach (var p in (env("ROGERRAT_TRUSTED_PROXY") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) o.Apply("--trusted-proxy", p);
            foreach (var p in (env("ROGERRAT_ALLOW_ORIGIN") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) o.Apply("--allow-origin", p);

            var error = CommandLine.Read(args,
                static a => a is "-h" or "--help" or "--all" or "--allow-private-webhooks",
                IsFlag,
                a =>
                {
                    if (a == "--all") o.HelpAll = true;
                    else if (a == "--allow-private-webhooks") o.AllowPrivateWebhooks = true;
                    else o.Help = true;
                },
                (flag, value) =>
                {
                    o.Apply(flag, value);
                    return null;
                });
            if (error is not null) return (null, error);
        }
        catch (FormatException e)
        {
            return (null, e.Message);
        }
        if (o.HelpAll && !o.Help) return (null, "--all goes with --help");
        if (o.Redis is not null && o.DataDir is not null)
        {
            return (null, "--redis and --data-dir exclude each other: with --redis the channels live in Redis (make Redis durable with appendonly yes), not in a local log");
        }
        if (o._fsyncGiven && o.DataDir is null) return (null, "--fsync goes with --data-dir (without it nothing is written to disk)");
        if (!o.Help && !IsLoopback(o.Host) && string.IsNullOrEmpty(o.Token))
        {
            return (null, $"refusing to bind {o.Host} without --token: anyone who can reach it could use the hub. Pass --token <secret> (or ROGERRAT_TOKEN), or bind 127.0.0.1.");
        }
        return (o, null);
    }

    private static bool IsFlag(string a) => a is "--port" or "--host" or "--token" or "--admin-token" or "--data-dir" or "--fsync" or "--redis" or "--origin"
        or "--trusted-proxy" or "--allow-origin" or "--log-level" or "--config" || HostConfig.IsLimitFlag(a);

    private void Apply(string flag, string? value)
    {
        if (string.IsNullOrEmpty(value)) return;
        switch (flag)
        {
            case "--port":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
                {
                    throw new FormatException($"--port must be 0-65535, got '{value}'");
                }
                Port = port;
                break;
            case "--host": Host = value; break;
            case "--token": Token = value; break;
            case "--admin-token": AdminToken = value; break;
            case "--data-dir": DataDir = value; break;
            case "--redis": Redis = value; break;
            case "--fsync":
                Fsync = value.ToLowerInvariant() switch
                {
                    "always" => RogerRat.Storage.FsyncPolicy.Always,
                    "batch" => RogerRat.Storage.FsyncPolicy.Batch,
                    "off" => RogerRat.Storage.FsyncPolicy.Off,
                    _ => throw new FormatException($"--fsync must be always, batch or off, got '{value}'"),
                };
                _fsyncGiven = true;
                break;
            case "--origin": Origin = value.TrimEnd('/'); break;
            case "--trusted-proxy":
                TrustedProxies.Add(IPAddress.TryParse(value, out var ip) ? ip : throw new FormatException($"--trusted-proxy must be an IP address, got '{value}'"));
                break;
            case "--allow-origin": AllowedOrigins.Add(value.TrimEnd('/')); break;
            case "--config": ConfigPath = value; break;
            case "--max-sessions-per-channel" or "--max-channels" or "--max-connections": LimitFlags.Add((flag, value)); break;
            case "--log-level":
                LogLevel = value.ToLowerInvariant() is "trace" or "debug" or "information" or "info" or "warning" or "warn" or "error" or "critical" or "none"
                    ? value.ToLowerInvariant()
                    : throw new FormatException($"--log-level must be trace|debug|information|warning|error, got '{value}'");
                break;
        }
    }

    public static bool IsLoopback(string host) =>
        host is "localhost" or "127.0.0.1" or "::1" or "[::1]" || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The origin for generated URLs: <c>--origin</c>, else http://host:port with wildcard binds shown as loopback.</summary>
    public string ResolveOrigin(int actualPort)
    {
        if (Origin is not null) return Origin;
        var host = Host is "0.0.0.0" or "::" or "[::]" ? "127.0.0.1" : Host.Contains(':') && !Host.StartsWith('[') ? $"[{Host}]" : Host;
        return $"http://{host}:{actualPort}";
    }
}
