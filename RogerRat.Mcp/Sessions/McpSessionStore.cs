using System.Collections.Concurrent;

namespace RogerRat.Mcp;

/// <summary>Bounded, expiring store of MCP sessions (PROTOCOL §2.4): ids are minted here only.</summary>
internal sealed class McpSessionStore(TimeProvider time, int maxSessions, TimeSpan idleLifetime)
{
    private readonly ConcurrentDictionary<string, McpSession> _sessions = new(StringComparer.Ordinal);

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

    /// <summary>The session <paramref name="id"/> when it belongs to <paramref name="endpoint"/>: a session minted on
    /// one channel's endpoint is unknown on every other.</summary>
    internal McpSession? Find(string? id, string endpoint) => Find(id) is { } s && s.Endpoint == endpoint ? s : null;

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
