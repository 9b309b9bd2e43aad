namespace RogerRat.Core;

/// <summary>
/// Everything a channel knows about one callsign, online or not. Design (who owns what):
/// <list type="bullet">
/// <item><see cref="Parked"/> is exchanged lock-free by listens and read lock-free by senders (the wake path).</item>
/// <item>Every other mutable field is written only under the channel's lock; the listen path reads
/// <see cref="Cursor"/> with a volatile read and re-checks it under the lock when it takes a lease.</item>
/// <item>A lease is the delivery a listen has taken but not yet committed or abandoned. Messages evicted from the ring
/// while they sit in the lease's range are counted in <see cref="EvictedDuringLease"/>, not in <see cref="Missed"/>:
/// the lease may still deliver them. An abandon moves that count into <see cref="Missed"/>, a commit drops it.</item>
/// <item>While a lease is active (its response still being written), a cursor listen waits for it instead of taking the
/// same messages again, until <see cref="HubOptions.DeliveryLeaseTimeout"/> after <see cref="LeaseTakenAt"/>.</item>
/// </list>
/// </summary>
internal sealed class CallsignState(string name)
{
    public string Name { get; } = name;

    /// <summary>Last committed message id (the per-callsign cursor); survives eviction of the session.</summary>
    public long Cursor;

    /// <summary>Highest id ever committed; a message at or below it counts as delivered.</summary>
    public long HighWater;

    /// <summary>Eligible messages that left the ring before delivery and were not reported yet.</summary>
    public long Missed;

    public Session? Holder;
    public long JoinedAt;
    public byte[]? IdentityKeyHash;

    public ListenWaiter? Parked;

    /// <summary>Bumped by every listen; a listen waiting behind a lease stops when a newer one started.</summary>
    public int ListenGeneration;

    public int LeaseVersion;
    public bool LeaseActive;
    public long LeaseFrom;
    public long LeaseCursor;
    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the active lease was taken.</summary>
    public long LeaseTakenAt;
    public long EvictedDuringLease;

    /// <summary>The hub that took the active lease (a shared store only): a dead hub's delivery is not waited for.</summary>
    public string? LeaseHub;

    /// <summary>Status signals for a parked listen (never stored in the ring).</summary>
    public Queue<ChannelMessage>? StatusInbox;

    /// <summary>Open SSE streams of this callsign: a stream hears status signals between its parks too.</summary>
    public int Streams;

    public bool IsOnline => Holder is not null;

    /// <summary>Join order across hubs: the roster lists online callsigns by it (a shared store replays joins in batches).</summary>
    public long JoinSeq;

    /// <summary>The hub a listen of this callsign is parked on (a shared store only): the collector of every hub spares it.</summary>
    public string? ParkedOn;

    /// <summary>The state last written to or read from a shared store: a write commits what differs from it.</summary>
    public Storage.Shared.CallsignImage Committed;

    public Storage.Shared.CallsignImage Image() => new(Cursor, HighWater, Missed, EvictedDuringLease, LeaseVersion, LeaseActive, LeaseFrom,
        LeaseCursor, LeaseHub, IdentityKeyHash, JoinedAt, JoinSeq, ParkedOn);

    /// <summary>Takes another hub's state; a lease that is new here counts from now (its age is this hub's to judge).</summary>
    public void SetImage(in Storage.Shared.CallsignImage image, long timestamp)
    {
        if (image.LeaseActive && (!LeaseActive || LeaseVersion != image.LeaseVersion)) LeaseTakenAt = timestamp;
        Cursor = image.Cursor;
        HighWater = image.HighWater;
        Missed = image.Missed;
        EvictedDuringLease = image.EvictedDuringLease;
        LeaseVersion = image.LeaseVersion;
        LeaseActive = image.LeaseActive;
        LeaseFrom = image.LeaseFrom;
        LeaseCursor = image.LeaseCursor;
        LeaseHub = image.LeaseHub;
        IdentityKeyHash = image.IdentityKeyHash;
        JoinedAt = image.JoinedAt;
        JoinSeq = image.JoinSeq;
        ParkedOn = image.ParkedOn;
        Committed = image;
    }
}
