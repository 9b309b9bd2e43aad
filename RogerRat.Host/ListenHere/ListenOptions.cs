using System.Globalization;

namespace RogerRat.Host.ListenHere;

/// <summary>The flags of <c>rogerrat listen-here</c> (reference §11.3, joining by callsign or identity key, plain
/// cursor listens instead of the SSE stream).</summary>
internal sealed class ListenOptions
{
    public string Channel { get; private set; } = "";
    public string Token { get; private set; } = "";
    public string? Callsign { get; private set; }
    public string? Session { get; private set; }
    public string? IdentityKey { get; private set; }
    public string? OwnerPassword { get; private set; }
    public string? HubToken { get; private set; }
    public string Origin { get; private set; } = DefaultOrigin;
    public string? OnMessage { get; private set; }
    public string? Inbox { get; private set; }
    public string? StatePath { get; private set; }
    public bool Jsonl { get; private set; } = true;
    public int MinPriority { get; private set; }
    public double HeartbeatSeconds { get; private set; }
    public int BackoffMs { get; private set; } = 1000;
    public bool Quiet { get; private set; }
    public bool Help { get; private set; }

    public const string DefaultOrigin = "http://127.0.0.1:7424";

    public const string Usage = """
        usage: rogerrat listen-here --channel <id> --token <t> (--callsign <name> | --identity-key <k> | --session <sid>) [options]

        Joins the channel, long-polls it and appends every message to an inbox file (and/or runs a hook), re-joining
        when the session ends and reconnecting with backoff. It remembers the last message id it wrote (a state file
        beside the inbox), so a restart or a cut connection never loses nor repeats a line.

          --channel <id>          channel id (required)
          --token <t>             channel join token (required; "public" for bands)
          --callsign <name>       join under this callsign (re-joined on 400/410)
          --identity-key <k>      join the callsign bound to this key (require_identity channels)
          --session <sid>         use an existing session (no re-join unless a callsign or key is given too)
          --owner-password <p>    sent with the join
          --hub-token <t>         X-RogerRat-Token for a hub run with --token (default $ROGERRAT_TOKEN)
          --origin <url>          hub origin (default http://127.0.0.1:7424)
          --inbox <file>          append one line per message (file 0600; attachments saved beside it, 0700 dir)
          --format jsonl|text     inbox line format (default jsonl)
          --state <file>          last written id (default <inbox>.state; none without an inbox)
          --on-message <cmd>      run through /bin/sh per message with RR_MESSAGE, RR_FROM, RR_TO, RR_MSG_ID,
                                  RR_CHANNEL, RR_PRIORITY, RR_REPLIES, RR_ATTACHMENTS (tab-joined)
          --min-priority <p>      min|low|default|high|urgent: drop messages below it
          --heartbeat <secs>      text inbox only: append an "alive" line every N seconds
          --backoff-ms <n>        first reconnect delay (default 1000; x3 per failure, at most 60 s, reset once healthy)
          --quiet                 no stdout dump, no informational stderr
          -h, --help              this help
        """;

    public static readonly string[] Priorities = ["min", "low", "default", "high", "urgent"];

    public static int Rank(string? priority)
    {
        var i = Array.IndexOf(Priorities, priority ?? "default");
        return i < 0 ? 2 : i;
    }

    public static (ListenOptions? Options, string? Error) Parse(string[] args, Func<string, string?> env)
    {
        var o = new ListenOptions { HubToken = env("ROGERRAT_TOKEN") is { Length: > 0 } t ? t : null };
        var error = CommandLine.Read(args,
            static a => a is "-h" or "--help" or "--quiet",
            static a => a is "--channel" or "--token" or "--callsign" or "--session" or "--identity-key" or "--owner-password"
                or "--hub-token" or "--origin" or "--on-message" or "--inbox" or "--format" or "--state" or "--min-priority"
                or "--heartbeat" or "--backoff-ms",
            a =>
            {
                if (a == "--quiet") o.Quiet = true;
                else o.Help = true;
            },
            o.Apply);
        if (error is not null) return (null, error);
        if (o.Help) return (o, null);
        if (o.Channel.Length == 0) return (null, "--channel is required");
        if (o.Token.Length == 0) return (null, "--token is required");
        if (o.Callsign is null && o.Session is null && o.IdentityKey is null) return (null, "one of --callsign, --identity-key or --session is required");
        if (o.HeartbeatSeconds > 0 && (o.Jsonl || o.Inbox is null)) return (null, "--heartbeat needs --inbox and --format text");
        if (o.StatePath is null && o.Inbox is not null) o.StatePath = o.Inbox + ".state";
        return (o, null);
    }

    private string? Apply(string flag, string value)
    {
        switch (flag)
        {
            case "--channel": Channel = value; break;
            case "--token": Token = value; break;
            case "--callsign": Callsign = value; break;
            case "--session": Session = value; break;
            case "--identity-key": IdentityKey = value; break;
            case "--owner-password": OwnerPassword = value; break;
            case "--hub-token": HubToken = value.Length > 0 ? value : null; break;
            case "--origin":
                if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return $"--origin must be an http(s) URL, got '{value}'";
                Origin = value.TrimEnd('/');
                break;
            case "--on-message": OnMessage = value; break;
            case "--inbox": Inbox = value; break;
            case "--state": StatePath = value; break;
            case "--format":
                if (value is not ("jsonl" or "text")) return $"--format must be jsonl or text, got '{value}'";
                Jsonl = value == "jsonl";
                break;
            case "--min-priority":
                var rank = Array.IndexOf(Priorities, value);
                if (rank < 0) return $"--min-priority must be min|low|default|high|urgent, got '{value}'";
                MinPriority = rank;
                break;
            case "--heartbeat":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs) || !(secs > 0) || double.IsInfinity(secs)) return $"--heartbeat must be a positive number of seconds, got '{value}'";
                HeartbeatSeconds = secs;
                break;
            case "--backoff-ms":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms is < 1 or > 60_000) return $"--backoff-ms must be 1-60000, got '{value}'";
                BackoffMs = ms;
                break;
        }
        return null;
    }
}
