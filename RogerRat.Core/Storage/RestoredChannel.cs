namespace RogerRat.Core.Storage;

/// <summary>
/// A channel as a store recovered it (a restart): its record, its store (the window already holds the retained
/// messages), and the state the channel rebuilds its working copy from. Lists are in the order the writes happened.
/// </summary>
public sealed class RestoredChannel(ChannelSettings settings, IChannelStore store)
{
    public ChannelSettings Settings { get; } = settings;
    public IChannelStore Store { get; } = store;

    /// <summary>Every callsign the channel remembers, with its committed cursor.</summary>
    public List<RestoredCallsign> Callsigns { get; } = [];

    /// <summary>Sessions online at the crash, in join order; each starts a fresh TTL.</summary>
    public List<SessionRecord> Sessions { get; } = [];

    /// <summary>Idempotency keys still within their lifetime, oldest first, each with the message it first answered.</summary>
    public List<RestoredIdempotencyKey> IdempotencyKeys { get; } = [];

    /// <summary>Unix ms of the first join ever, or 0.</summary>
    public long FirstJoinedAt { get; set; }

    /// <summary>Unix ms of the last join or message the store saw, or 0.</summary>
    public long LastActivityAt { get; set; }
}

/// <summary>A callsign's persistent facts: its cursor (and the highest cursor it ever committed) and identity key hash.</summary>
public readonly record struct RestoredCallsign(string Callsign, long Cursor, long HighWater, byte[]? IdentityKeyHash);

/// <summary>A remembered <c>Idempotency-Key</c> with the message it answered (it may have left the window since).</summary>
public readonly record struct RestoredIdempotencyKey(IdempotencyRecord Record, ChannelMessage Message);

/// <summary>What a store recovered: the channels in creation order, and the hub's counters.</summary>
public sealed class RestoredHub
{
    public static RestoredHub Empty { get; } = new();

    public List<RestoredChannel> Channels { get; } = [];
    public long ChannelsCreated { get; set; }
    public long JoinsTotal { get; set; }
    public long MessagesTotal { get; set; }
}
