namespace RogerRat.Redis;

/// <summary>
/// The Lua scripts of the shared store, each one <c>EVALSHA</c> (StackExchange.Redis loads a script once and sends its
/// SHA after). Message ids and cursors are Unix-millisecond-sized integers: below 2^53, so Lua's doubles hold them
/// exactly; they are formatted with <c>%.0f</c>, never <c>tostring</c> (which could print an exponent).
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Mints the id <c>max(now, last + 1)</c> from the stream's newest entry, adds the message as <c>&lt;id&gt;-0</c>
    /// trimmed to exactly the capacity, publishes the id on the wake channel and returns it. One script, so two hubs
    /// appending at once can never mint the same id or one below the stream's last (Redis would refuse it anyway).
    /// KEYS: ring. ARGV: now, capacity, payload, wake channel.
    /// </summary>
    public const string Append = """
        local last = 0
        local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if #top > 0 then last = tonumber(string.match(top[1][1], '^(%d+)')) end
        local id = tonumber(ARGV[1])
        if id <= last then id = last + 1 end
        redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], string.format('%.0f-0', id), 'm', ARGV[3])
        redis.call('PUBLISH', ARGV[4], string.format('%.0f', id))
        return id
        """;

    /// <summary>
    /// Takes a delivery lease for a callsign: only while its cursor is still the one the hub read (else -1: re-read)
    /// and no other delivery is in flight (else 0). KEYS: callsigns hash, lease. ARGV: cursor field, expected cursor,
    /// lease value (owner and the id it delivers up to), lease milliseconds. Returns 1 when taken.
    /// </summary>
    public const string TakeDeliveryLease = """
        local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        if cur ~= tonumber(ARGV[2]) then return -1 end
        if redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then return 1 end
        return 0
        """;

    /// <summary>
    /// Commits a delivery: the cursor moves to <c>to</c> only if that is forward (never backwards, whoever commits
    /// first), and the lease is released if it is still this delivery's. KEYS: callsigns hash, lease. ARGV: cursor field,
    /// new cursor, lease value. Returns the cursor after the call.
    /// </summary>
    public const string CommitCursor = """
        local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        local to = tonumber(ARGV[2])
        if to > cur then
            redis.call('HSET', KEYS[1], ARGV[1], string.format('%.0f', to))
            cur = to
        end
        if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
        return cur
        """;

    /// <summary>Releases a lease only if it is still <c>ARGV[1]</c>'s (a lease that expired may be someone else's now).
    /// KEYS: lease. Returns 1 when released.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;
}
