namespace RogerRat.Core.Storage;

/// <summary>
/// A channel as a store recovered it (a restart): its record, its store (the window already holds the retained
/// messages), and the state the channel rebuilds its working copy from. Lists are in the order the writes happened.
/// </summary>
public sealed class RestoredChannel(ChannelSettings settings, IChannelStore store)
{
    /// <summary>The channel's persistent record.</summary>
    public ChannelSettings Settings { get; } = settings;
    /// <summary>The channel's store, its window already holding the retained messages.</summary>
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
/// <param name="Callsign">The callsign.</param>
/// <param name="Cursor">Its last committed cursor.</param>
/// <param name="HighWater">The highest cursor it ever committed; a message at or below it counts as delivered.</param>
/// <param name="IdentityKeyHash">SHA-256 of its identity key, or null when it has none.</param>
public readonly record struct RestoredCallsign(string Callsign, long Cursor, long HighWater, byte[]? IdentityKeyHash);

/// <summary>A remembered <c>Idempotency-Key</c> with the message it answered (it may have left the window since).</summary>
/// <param name="Record">The key as stored.</param>
/// <param name="Message">The message the key first answered.</param>
public readonly record struct RestoredIdempotencyKey(IdempotencyRecord Record, ChannelMessage Message);

/// <summary>What a store recovered: the channels in creation order, and the hub's counters.</summary>
public sealed class RestoredHub
{
    /// <summary>Nothing recovered: a new or in-memory store.</summary>
    public static RestoredHub Empty { get; } = new();

    /// <summary>The recovered channels, in creation order.</summary>
    public List<RestoredChannel> Channels { get; } = [];
    /// <summary>Channels created over the store's life, for <see cref="HubStats.ChannelsCreated"/>.</summary>
    public long ChannelsCreated { get; set; }
    /// <summary>Joins over the store's life, for <see cref="HubStats.JoinsTotal"/>.</summary>
    public long JoinsTotal { get; set; }
    /// <summary>Messages sent over the store's life, for <see cref="HubStats.MessagesTotal"/>.</summary>
    public long MessagesTotal { get; set; }
}
