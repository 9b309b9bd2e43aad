namespace RogerRat.Redis;

/// <summary>
/// One channel's keys (docs/ARCHITECTURE.md, "Several hubs on one Redis"). They share the hash tag <c>{c:ID}</c>, so
/// a script that touches several of them touches one slot (a Redis Cluster works too).
/// </summary>
internal sealed class RedisKeys(string prefix, string channelId)
{
    private readonly string _tag = $"{prefix}{{c:{channelId}}}:";

    /// <summary>The channel's id.</summary>
    public string ChannelId => channelId;

    /// <summary>The messages: a stream whose entry ids are <c>&lt;message id&gt;-0</c>, trimmed to the ring capacity.</summary>
    public string Ring => _tag + "ring";

    /// <summary>Per callsign: its committed cursor (field <c>&lt;callsign&gt;:cursor</c>).</summary>
    public string Callsigns => _tag + "cs";

    /// <summary>The channel's write lease (<c>SET NX PX</c>): writes of one channel are serialised across hubs.</summary>
    public string WriteLease => _tag + "lock";

    /// <summary>The pub/sub channel that carries the new tail id after each append.</summary>
    public string Wake => _tag + "wake";

    /// <summary>A delivery in flight to <paramref name="callsign"/>: which hub holds it and up to which id.</summary>
    public string DeliveryLease(string callsign) => _tag + "lease:" + callsign;

    /// <summary>The hash field of <paramref name="callsign"/>'s committed cursor.</summary>
    public static string CursorField(string callsign) => callsign + ":cursor";
}
