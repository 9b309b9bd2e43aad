namespace RogerRat.Redis;

/// <summary>
/// The Lua scripts of the shared store, one <c>EVALSHA</c> each (StackExchange.Redis loads a script once and sends its
/// SHA after). They carry no engine rule: the hub that holds a channel's write lease computes every change in C#, and a
/// script only checks that the lease and the change log are still where the hub read them (the compare-and-set of the
/// whole channel) and then writes what it was given. Sequence numbers and ids are below 2^53, so Lua's doubles hold
/// them exactly; they are formatted with <c>%.0f</c>, never <c>tostring</c> (which could print an exponent).
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Creates a channel for every hub: 0 when the id is taken, -1 at the channel limit, else the record and an empty
    /// change log. KEYS: channels set, record, state. ARGV: id, max channels, record fields and values…
    /// </summary>
    public const string Create = """
        if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
        if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
        redis.call('HSET', KEYS[2], unpack(ARGV, 3))
        redis.call('HSET', KEYS[3], 'seq', 0)
        redis.call('SADD', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>
    /// Catches up without the lease: the change log's position and the batches after <c>applied</c> (none when more
    /// than <c>max</c> are missing: the hub reloads instead). KEYS: state, log. ARGV: applied, max.
    /// Returns {seq, entries}; seq -1 when the channel is gone.
    /// </summary>
    public const string Refresh = """
        local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '-1')
        local applied = tonumber(ARGV[1])
        if seq <= applied or seq - applied > tonumber(ARGV[2]) then return {seq, {}} end
        return {seq, redis.call('XRANGE', KEYS[2], string.format('%.0f-0', applied + 1), '+', 'COUNT', ARGV[2])}
        """;

    /// <summary>
    /// Takes the channel's write lease and catches up under it: {1, seq, entries}, or {0, ttl} while another hub holds
    /// the lease. KEYS: lease, state, log. ARGV: owner, lease ms, applied, max.
    /// </summary>
    public const string Begin = """
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0, redis.call('PTTL', KEYS[1])} end
        local seq = tonumber(redis.call('HGET', KEYS[2], 'seq') or '-1')
        local applied = tonumber(ARGV[3])
        if seq <= applied or seq - applied > tonumber(ARGV[4]) then return {1, seq, {}} end
        return {1, seq, redis.call('XRANGE', KEYS[3], string.format('%.0f-0', applied + 1), '+', 'COUNT', ARGV[4])}
        """;

    /// <summary>
    /// Commits one batch, only while the lease is still <c>owner</c>'s and the log still ends at <c>seq - 1</c>: adds the
    /// messages to the ring (trimmed to exactly its capacity), upserts callsigns and sessions, turns removed sessions into
    /// tombstones (dropped only as the collectors drop them, and past the count limit, as every hub's copy does), sets the
    /// idempotency keys, updates the state, appends the batch to the change log, publishes the batch itself (a
    /// subscribed hub applies it without a read) and keeps or releases the lease.
    /// KEYS: lease, state, ring, log, callsigns, sessions, tombstones, idempotency index, idempotency keys….
    /// ARGV: owner, seq, batch, ring capacity, log length, keep-lease ms (0 releases), wake channel, max tombstones,
    /// now; then counted sections: ring (id, message), callsigns (name, state), sessions (id, state),
    /// removed (id, at), pruned tombstones (id), keys (value, ms, member, expiry: the key is KEYS[8 + k]), state fields
    /// (name, value).
    /// </summary>
    public const string Commit = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('LEASE the write lease was lost') end
        if tonumber(redis.call('HGET', KEYS[2], 'seq') or '-1') ~= tonumber(ARGV[2]) - 1 then return redis.error_reply('SEQ the change log moved') end
        local i = 10
        local n = tonumber(ARGV[i]); i = i + 1
        for _ = 1, n do redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[4], ARGV[i], 'm', ARGV[i + 1]); i = i + 2 end
        n = tonumber(ARGV[i]); i = i + 1
        for _ = 1, n do redis.call('HSET', KEYS[5], ARGV[i], ARGV[i + 1]); i = i + 2 end
        n = tonumber(ARGV[i]); i = i + 1
        for _ = 1, n do
            redis.call('HSET', KEYS[6], ARGV[i], ARGV[i + 1])
            redis.call('ZREM', KEYS[7], ARGV[i])
            i = i + 2
        end
        n = tonumber(ARGV[i]); i = i + 1
        for _ = 1, n do
            redis.call('HDEL', KEYS[6], ARGV[i])
            redis.call('ZADD', KEYS[7], ARGV[i + 1], ARGV[i])
            i = i + 2
        end
        if n > 0 then
            local extra = redis.call('ZCARD', KEYS[7]) - tonumber(ARGV[8])
            if extra > 0 then redis.call('ZREMRANGEBYRANK', KEYS[7], 0, extra - 1) end
        end
        n = tonumber(ARGV[i]); i = i + 1
        for _ = 1, n do redis.call('ZREM', KEYS[7], ARGV[i]); i = i + 1 end
        n = tonumber(ARGV[i]); i = i + 1
        for k = 1, n do
            redis.call('SET', KEYS[8 + k], ARGV[i], 'PX', ARGV[i + 1], 'NX')
            redis.call('ZADD', KEYS[8], ARGV[i + 3], ARGV[i + 2])
            i = i + 4
        end
        if n > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[8], '-inf', ARGV[9]) end
        n = tonumber(ARGV[i]); i = i + 1
        for _ = 1, n do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]); i = i + 2 end
        redis.call('HSET', KEYS[2], 'seq', ARGV[2])
        redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], ARGV[2] .. '-0', 'b', ARGV[3])
        redis.call('PUBLISH', ARGV[7], ARGV[3])
        if tonumber(ARGV[6]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[6]) else redis.call('DEL', KEYS[1]) end
        return 1
        """;

    /// <summary>
    /// Loads a whole channel at one log position (a hub opening it, or reloading after a fault or a trimmed log); with
    /// <c>ensure</c> = 1 a missing record is created first (the public bands, which every hub opens at start).
    /// KEYS: record, state, callsigns, sessions, tombstones, idempotency index, ring, channels set.
    /// ARGV: idempotency key prefix, now, ensure, id, record fields and values….
    /// Returns {0} when there is no such channel, else {1, record, state, callsigns, sessions, tombstones, keys, ring}.
    /// </summary>
    public const string Load = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
            if ARGV[3] ~= '1' then return {0} end
            redis.call('HSET', KEYS[1], unpack(ARGV, 5))
            redis.call('HSETNX', KEYS[2], 'seq', 0)
            redis.call('SADD', KEYS[8], ARGV[4])
        end
        local keys = {}
        for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[6], '(' .. ARGV[2], '+inf')) do
            local value = redis.call('GET', ARGV[1] .. member)
            if value then keys[#keys + 1] = value end
        end
        return {1, redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3]),
            redis.call('HGETALL', KEYS[4]), redis.call('ZRANGE', KEYS[5], 0, -1, 'WITHSCORES'), keys, redis.call('XRANGE', KEYS[7], '-', '+')}
        """;

    /// <summary>Releases a lease only if it is still <c>ARGV[1]</c>'s (a lease that expired may be someone else's now).
    /// KEYS: lease. Returns 1 when released.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;
}
