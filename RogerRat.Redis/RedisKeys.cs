namespace RogerRat.Redis;

/// <summary>
/// One channel's keys (docs/ARCHITECTURE.md, "Several hubs on one Redis"). They share the hash tag <c>{c:ID}</c>, so
/// a script that touches several of them touches one slot.
/// </summary>
internal sealed class RedisKeys(string prefix, string channelId)
{
    private readonly string _tag = $"{prefix}{{c:{channelId}}}:";

    /// <summary>The channel's id.</summary>
    public string ChannelId => channelId;

    /// <summary>The set of every channel id (not the channel's slot: creation and counting are hub-wide).</summary>
    public string Channels { get; } = prefix + "channels";

    /// <summary>The channel record: a hash of its settings.</summary>
    public string Record => _tag + "rec";

    /// <summary>Channel-wide scalars: <c>seq</c> (the last batch in the change log), last id, first join, last activity,
    /// join sequence.</summary>
    public string State => _tag + "st";

    /// <summary>The messages: a stream whose entry ids are <c>&lt;message id&gt;-0</c>, trimmed to exactly the ring capacity.</summary>
    public string Ring => _tag + "ring";

    /// <summary>The change log: one entry <c>&lt;seq&gt;-0</c> per committed batch, what other hubs apply to catch up.</summary>
    public string Log => _tag + "log";

    /// <summary>Callsign → its state (cursor, high-water mark, gap count, delivery lease, identity key hash, join order).</summary>
    public string Callsigns => _tag + "cs";

    /// <summary>Online session → its callsign and last-seen time.</summary>
    public string Sessions => _tag + "sess";

    /// <summary>Tombstones (sorted set, score = when the session went offline): a later use answers 410, not 400.</summary>
    public string Tombstones => _tag + "tomb";

    /// <summary>Index of the idempotency keys (sorted set, score = expiry), so a loading hub finds them.</summary>
    public string IdempotencyIndex => _tag + "idemx";

    /// <summary>The prefix of the idempotency keys themselves (<c>SET NX PX</c>, one per sender and key).</summary>
    public string IdempotencyPrefix => _tag + "idem:";

    /// <summary>The channel's write lease (<c>SET NX PX</c>): one hub's batch at a time writes the channel.</summary>
    public string WriteLease => _tag + "lock";

    /// <summary>The pub/sub channel that carries each committed batch, as the change log holds it.</summary>
    public string Wake => _tag + "wake";
}
