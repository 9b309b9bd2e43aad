using System.Collections.Concurrent;

namespace RogerRat.Mcp;

/// <summary>One MCP session: server-minted id, negotiated version, the endpoint that created it, the channel it joined.</summary>
public sealed class McpSession(string id, string endpoint, string protocolVersion, long now)
{
    private long _lastSeen = now;

    public string Id { get; } = id;
    /// <summary>"" for the unified endpoint, else the channel id of <c>/mcp/&lt;id&gt;</c>.</summary>
    public string Endpoint { get; } = endpoint;
    public string ProtocolVersion { get; } = protocolVersion;
    /// <summary>The channel the unified session joined (the per-channel endpoint's is fixed).</summary>
    public string? BoundChannel { get; set; }
    public string LogLevel { get; set; } = "info";
    public ConcurrentDictionary<string, byte> Subscriptions { get; } = new(StringComparer.Ordinal);
    /// <summary>The client's capabilities from initialize (sampling, elicitation, ...), as raw JSON.</summary>
    public System.Text.Json.JsonElement ClientCapabilities { get; set; }
    /// <summary>Requests we sent to the client, by id, awaiting the client's POSTed response.</summary>
    public ConcurrentDictionary<string, TaskCompletionSource<System.Text.Json.JsonElement>> PendingClientRequests { get; } = new(StringComparer.Ordinal);
    private long _nextRequestId;
    public string NextRequestId() => $"s{Interlocked.Increment(ref _nextRequestId)}";
    public long LastSeen => Volatile.Read(ref _lastSeen);
    public void Touch(long now) => Volatile.Write(ref _lastSeen, now);
}

/// <summary>Bounded, expiring store of MCP sessions (PROTOCOL §2.4): ids are minted here only.</summary>
public sealed class McpSessionStore(TimeProvider time, int maxSessions, TimeSpan idleLifetime)
{
    private readonly ConcurrentDictionary<string, McpSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public McpSession? Create(string endpoint, string protocolVersion)
    {
        if (_sessions.Count >= maxSessions) Collect();
        if (_sessions.Count >= maxSessions) return null;
        var session = new McpSession(Guid.NewGuid().ToString(), endpoint, protocolVersion, Now);
        _sessions[session.Id] = session;
        return session;
    }

    public McpSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var s)) return null;
        if (Now - s.LastSeen > (long)idleLifetime.TotalMilliseconds)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }
        s.Touch(Now);
        return s;
    }

    public bool Remove(string id) => _sessions.TryRemove(id, out _);

    /// <summary>Drops sessions idle longer than their lifetime; returns how many.</summary>
    public int Collect()
    {
        var cutoff = Now - (long)idleLifetime.TotalMilliseconds;
        var n = 0;
        foreach (var (id, s) in _sessions)
        {
            if (s.LastSeen < cutoff && _sessions.TryRemove(id, out _)) n++;
        }
        return n;
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
}
