namespace RogerRat.Storage;

/// <summary>The durable store's settings (<c>--data-dir</c>, <c>--fsync</c>); every limit has a default.</summary>
public sealed class LogStoreOptions
{
    /// <summary>The data directory: created 0700 if missing; one hub at a time (a lock file).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>When a logged write is durable, and so acknowledged (<c>--fsync</c>).</summary>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Batch;

    /// <summary>
    /// Batch: the longest a group of records waits for more before its fsync starts, counted from its first record or
    /// the end of the previous fsync, whichever is later (the latency group commit may add to a wait for the disk). A
    /// group never waits longer than the last fsync took (at least 1 ms).
    /// </summary>
    public TimeSpan BatchWindow
    {
        get;
        init => field = value >= TimeSpan.Zero && value <= TimeSpan.FromSeconds(1) ? value
            : throw new ArgumentOutOfRangeException(nameof(BatchWindow), value, "between 0 and 1 s");
    } = TimeSpan.FromMilliseconds(10);

    /// <summary>Batch: a group this many records long is fsynced without waiting for the rest of its window.</summary>
    public int BatchMaxRecords
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchMaxRecords), value, "at least 1");
    } = 1024;

    /// <summary>Batch: a group this many bytes long is fsynced without waiting for the rest of its window.</summary>
    public long BatchMaxBytes
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(BatchMaxBytes), value, "at least 1");
    } = 4L << 20;

    /// <summary>Log bytes written since the last snapshot after which a new snapshot is taken and the log truncated.</summary>
    public long SnapshotEveryBytes
    {
        get;
        init => field = value >= 4096 ? value : throw new ArgumentOutOfRangeException(nameof(SnapshotEveryBytes), value, "at least 4096");
    } = 64L << 20;

    /// <summary>Idempotency keys a channel's snapshot keeps (the oldest go first); match <c>HubOptions.MaxIdempotencyKeysPerChannel</c>.</summary>
    public int MaxIdempotencyKeysPerChannel
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxIdempotencyKeysPerChannel), value, "at least 1");
    } = 10_000;

    /// <summary>Writes a snapshot on a clean shutdown, so the next start replays no log.</summary>
    public bool SnapshotOnDispose { get; init; } = true;
}
