using System.Globalization;
using StackExchange.Redis;

namespace RogerRat.Redis;

/// <summary>A stored message as the ring holds it: its id and the store's encoding of the rest.</summary>
internal readonly record struct RingEntry(long Id, ReadOnlyMemory<byte> Payload);

/// <summary>
/// One channel's shared state in Redis, the primitives the store is built from (docs/ARCHITECTURE.md, "Several hubs
/// on one Redis"): append with an id minted in Redis, read after a cursor, and deliveries guarded by a lease and
/// committed forward only. Every call is one round trip (a script or a plain command) through
/// <see cref="RedisConnection.RunAsync"/>, so a fault is 503 <c>store_unavailable</c>.
/// </summary>
internal sealed class RedisChannelData(RedisConnection redis, RedisKeys keys, int capacity)
{
    private static readonly RedisValue PayloadField = "m";

    public RedisKeys Keys => keys;

    /// <summary>Appends a message (script <see cref="RedisScripts.Append"/>) and returns its id: strictly above every
    /// id already in the ring, whichever hub added it, and <paramref name="now"/> when the clock is ahead of them.</summary>
    public Task<long> AppendAsync(ReadOnlyMemory<byte> payload, long now) =>
        redis.RunAsync(async db => (long)await db.ScriptEvaluateAsync(RedisScripts.Append, [keys.Ring],
            [now, capacity, payload, keys.Wake]).ConfigureAwait(false));

    /// <summary>Up to <paramref name="max"/> retained messages with ids above <paramref name="afterId"/>, oldest first
    /// (<c>XRANGE (after +</c>).</summary>
    public Task<RingEntry[]> ReadAfterAsync(long afterId, int max) =>
        redis.RunAsync(async db =>
        {
            var entries = await db.StreamRangeAsync(keys.Ring, "(" + afterId.ToString(CultureInfo.InvariantCulture) + "-0", "+", max).ConfigureAwait(false);
            var result = new RingEntry[entries.Length];
            for (var i = 0; i < entries.Length; i++) result[i] = Entry(entries[i]);
            return result;
        });

    /// <summary>How many messages the ring holds now (at most the capacity).</summary>
    public Task<long> CountAsync() => redis.RunAsync(db => db.StreamLengthAsync(keys.Ring));

    /// <summary>The committed cursor of <paramref name="callsign"/> (0 before its first delivery).</summary>
    public Task<long> CursorAsync(string callsign) =>
        redis.RunAsync(async db => (long?)await db.HashGetAsync(keys.Callsigns, RedisKeys.CursorField(callsign)).ConfigureAwait(false) ?? 0);

    /// <summary>
    /// Takes the delivery lease of <paramref name="callsign"/> for messages after <paramref name="cursor"/> up to
    /// <paramref name="upTo"/> (script <see cref="RedisScripts.TakeDeliveryLease"/>): <see cref="LeaseResult.Taken"/>
    /// only while the cursor is still <paramref name="cursor"/> and no other hub has a delivery in flight.
    /// </summary>
    public Task<LeaseResult> TakeDeliveryLeaseAsync(string callsign, long cursor, long upTo, string owner, TimeSpan lease) =>
        redis.RunAsync(async db => (LeaseResult)(int)await db.ScriptEvaluateAsync(RedisScripts.TakeDeliveryLease,
            [keys.Callsigns, keys.DeliveryLease(callsign)],
            [RedisKeys.CursorField(callsign), cursor, LeaseValue(owner, upTo), (long)Math.Ceiling(lease.TotalMilliseconds)]).ConfigureAwait(false));

    /// <summary>Commits a delivery (script <see cref="RedisScripts.CommitCursor"/>): the cursor moves to
    /// <paramref name="upTo"/> if that is forward, and the lease is released if it is still this one. Returns the cursor
    /// now in Redis (above <paramref name="upTo"/> when another hub committed further first).</summary>
    public Task<long> CommitCursorAsync(string callsign, long upTo, string owner) =>
        redis.RunAsync(async db => (long)await db.ScriptEvaluateAsync(RedisScripts.CommitCursor,
            [keys.Callsigns, keys.DeliveryLease(callsign)],
            [RedisKeys.CursorField(callsign), upTo, LeaseValue(owner, upTo)]).ConfigureAwait(false));

    /// <summary>Gives a delivery back without moving the cursor (its client went away before the answer was written).</summary>
    public Task<bool> AbandonDeliveryAsync(string callsign, long upTo, string owner) =>
        redis.RunAsync(async db => (long)await db.ScriptEvaluateAsync(RedisScripts.Release, [keys.DeliveryLease(callsign)],
            [LeaseValue(owner, upTo)]).ConfigureAwait(false) == 1);

    /// <summary>Takes the channel's write lease (<c>SET NX PX</c>); false while another hub holds it.</summary>
    public Task<bool> TryTakeWriteLeaseAsync(string owner) =>
        redis.RunAsync(db => db.StringSetAsync(keys.WriteLease, owner, redis.Options.WriteLeaseTimeout, When.NotExists));

    /// <summary>Releases the write lease if it is still <paramref name="owner"/>'s.</summary>
    public Task<bool> ReleaseWriteLeaseAsync(string owner) =>
        redis.RunAsync(async db => (long)await db.ScriptEvaluateAsync(RedisScripts.Release, [keys.WriteLease], [owner]).ConfigureAwait(false) == 1);

    private static string LeaseValue(string owner, long upTo) => owner + ":" + upTo.ToString(CultureInfo.InvariantCulture);

    private static RingEntry Entry(StreamEntry entry)
    {
        var id = entry.Id.ToString();
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        var payload = entry[PayloadField];
        return new RingEntry(long.Parse(dash < 0 ? id : id[..dash], NumberStyles.None, CultureInfo.InvariantCulture), (byte[]?)payload ?? []);
    }
}

/// <summary>The answer of <see cref="RedisChannelData.TakeDeliveryLeaseAsync"/>.</summary>
internal enum LeaseResult
{
    /// <summary>The cursor moved since the hub read it: read again.</summary>
    CursorMoved = -1,
    /// <summary>Another delivery to the callsign is in flight.</summary>
    Held = 0,
    /// <summary>The lease is this hub's until it commits, abandons or the lease times out.</summary>
    Taken = 1,
}
