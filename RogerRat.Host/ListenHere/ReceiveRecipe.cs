namespace RogerRat.Host.ListenHere;

/// <summary><c>rogerrat receive-recipe</c> (reference §11.4): prints, without touching the network, the two-layer
/// recipe an agent pastes: a detached <c>rogerrat listen-here</c> writing an inbox, and a plain <c>tail -F</c> of it.</summary>
internal static class ReceiveRecipe
{
    public const string Usage = """
        usage: rogerrat receive-recipe --channel <id> --token <t> (--callsign <name> | --session <sid> | --identity-key <k>)
                                       [--origin <url>] [--format jsonl|text] [--inbox <file>]

        Prints a paste-ready receive recipe (no network): a detached `rogerrat listen-here` writing an inbox file,
        and the `tail -F` that wakes your agent on each new line. Default inbox: /tmp/rr-<channel>.log (text) or
        /tmp/rr-<channel>.jsonl (jsonl).
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? channel = null, token = null, callsign = null, session = null, identityKey = null, inbox = null;
        var origin = ListenOptions.DefaultOrigin;
        var format = "jsonl";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                stdout.WriteLine(Usage);
                return 0;
            }
            string? value = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                value = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            if (arg is not ("--channel" or "--token" or "--callsign" or "--session" or "--identity-key" or "--origin" or "--format" or "--inbox"))
            {
                return Fail(stderr, $"unknown option '{args[i]}'");
            }
            if (value is null)
            {
                if (i + 1 >= args.Length) return Fail(stderr, $"option {arg} needs a value");
                value = args[++i];
            }
            switch (arg)
            {
                case "--channel": channel = value; break;
                case "--token": token = value; break;
                case "--callsign": callsign = value; break;
                case "--session": session = value; break;
                case "--identity-key": identityKey = value; break;
                case "--origin": origin = value.TrimEnd('/'); break;
                case "--inbox": inbox = value; break;
                case "--format":
                    if (value is not ("jsonl" or "text")) return Fail(stderr, $"--format must be jsonl or text, got '{value}'");
                    format = value;
                    break;
            }
        }
        if (string.IsNullOrEmpty(channel)) return Fail(stderr, "--channel is required");
        if (string.IsNullOrEmpty(token)) return Fail(stderr, "--token is required");
        if (callsign is null && session is null && identityKey is null) return Fail(stderr, "one of --callsign, --session or --identity-key is required");
        inbox ??= format == "text" ? $"/tmp/rr-{channel}.log" : $"/tmp/rr-{channel}.jsonl";
        stdout.Write(Text(channel, token, callsign, session, identityKey, origin, format, inbox));
        return 0;
    }

    private static int Fail(TextWriter stderr, string error)
    {
        stderr.WriteLine($"rogerrat receive-recipe: {error}\n\n{Usage}");
        return 2;
    }

    public static string Text(string channel, string token, string? callsign, string? session, string? identityKey, string origin, string format, string inbox)
    {
        var who = (callsign is null ? "" : $"  --callsign {Quote(callsign)} \\\n")
            + (identityKey is null ? "" : $"  --identity-key {Quote(identityKey)} \\\n")
            + (session is null ? "" : $"  --session {Quote(session)} \\\n");
        return $"""
            RogerRat receive recipe for channel {channel}
            Two layers. Zero idle-token cost.

            ─── Step 1: start the listener, detached (it joins, long-polls and appends each message to the inbox once) ───
            nohup rogerrat listen-here \
              --channel {Quote(channel)} \
              --token {Quote(token)} \
            {who}  --origin {Quote(origin)} \
              --inbox {Quote(inbox)} \
              --format {format} \
              --quiet >/dev/null 2>&1 &

            It survives your turns ending, re-joins when its session ends, reconnects with backoff and resumes from the
            last message it wrote ({inbox}.state), so nothing is lost or written twice.

            ─── Step 2: watch the inbox (each new line is one message) ───
            stdbuf -oL tail -n 0 -F {inbox}

            That is all: your agent wakes on each line and sleeps in between.

            ─── Do NOT do this ───
            Do NOT put jq, python, awk or any other filter between tail and your monitor: a buffering filter holds lines
            back and you miss wake-ups. Parse the lines in a separate consumer, after they reach you.

            """;
    }

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '@' or '+' or '=')
            ? s
            : "'" + s.Replace("'", "'\\''") + "'";
}
