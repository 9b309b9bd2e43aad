namespace RogerRat.Core.Storage.Shared;

/// <summary>A callsign's shared state, everything another hub needs to hold the same working copy of it.</summary>
/// <remarks>Compared by value to find what a write changed; the identity key hash is compared by reference, which holds
/// because it is only ever replaced, never mutated.</remarks>
internal readonly record struct CallsignImage(long Cursor, long HighWater, long Missed, long EvictedDuringLease, int LeaseVersion,
    bool LeaseActive, long LeaseFrom, long LeaseCursor, string? LeaseHub, byte[]? IdentityKeyHash, long JoinedAt, long JoinSeq, string? ParkedOn);

/// <summary>An online session's shared state.</summary>
internal readonly record struct SessionImage(string Callsign, long LastSeen);

/// <summary>The channel-wide counters every hub keeps alike: the last id minted (statuses included), first join, last
/// activity and the join sequence that orders the roster.</summary>
internal readonly record struct ChannelScalars(long LastId, long FirstJoinedAt, long LastActivityAt, long JoinSeq);

/// <summary>
/// What one write batch changed, as the committing hub hands it to the store and as the other hubs apply it: stored
/// messages, status signals (never stored, but every hub's parked listens may want them), callsign and session states
/// (upserts and removals with their tombstone time), idempotency keys and the listens that started (which supersede a
/// listen of the same callsign parked on another hub).
/// </summary>
internal sealed class ChannelBatch
{
    /// <summary>The hub that committed the batch.</summary>
    public string Hub { get; set; } = "";

    /// <summary>The batch's place in the channel's change log (1, 2, …).</summary>
    public long Seq { get; set; }

    public List<ChannelMessage> Messages { get; } = [];
    public List<ChannelMessage> Statuses { get; } = [];
    public List<KeyValuePair<string, CallsignImage>> Callsigns { get; } = [];
    public List<KeyValuePair<string, SessionImage>> Sessions { get; } = [];

    /// <summary>Sessions that went offline, with the time of their tombstone.</summary>
    public List<KeyValuePair<string, long>> Removed { get; } = [];

    public List<RestoredIdempotencyKey> Keys { get; } = [];
    public List<string> ListenStarted { get; } = [];

    /// <summary>Tombstones the collector dropped (older than their lifetime): a later use answers 400 on every hub.</summary>
    public List<string> TombstonesPruned { get; } = [];

    public ChannelScalars Scalars { get; set; }

    /// <summary>True when committing it would change nothing another hub could see.</summary>
    public bool IsEmpty => Messages.Count == 0 && Statuses.Count == 0 && Callsigns.Count == 0 && Sessions.Count == 0 && Removed.Count == 0
        && Keys.Count == 0 && ListenStarted.Count == 0 && TombstonesPruned.Count == 0;
}

/// <summary>A whole channel's shared state at one point of its change log: what a hub loads when it opens the channel.</summary>
internal sealed class ChannelImage
{
    /// <summary>The change-log position this state includes.</summary>
    public long Seq { get; set; }

    /// <summary>The retained messages, oldest first.</summary>
    public List<ChannelMessage> Messages { get; } = [];
    public List<KeyValuePair<string, CallsignImage>> Callsigns { get; } = [];
    public List<KeyValuePair<string, SessionImage>> Sessions { get; } = [];
    public List<KeyValuePair<string, long>> Tombstones { get; } = [];
    public List<RestoredIdempotencyKey> Keys { get; } = [];
    public ChannelScalars Scalars { get; set; }
}
