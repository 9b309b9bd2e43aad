namespace RogerRat.Storage;

/// <summary>When a logged write counts as durable, and so when its send is acknowledged (<c>--fsync</c>).</summary>
public enum FsyncPolicy
{
    /// <summary>
    /// Each record is written and fsynced on its own, in log order, before it is acknowledged and the next one is
    /// written: nothing acknowledged is lost even on power loss; the slowest (one fsync's time per record, however many
    /// senders wait).
    /// </summary>
    Always,

    /// <summary>
    /// Group commit: records are written to the OS at once and one fsync acknowledges a whole group (up to
    /// <see cref="LogStoreOptions.BatchWindow"/>, <see cref="LogStoreOptions.BatchMaxRecords"/> or
    /// <see cref="LogStoreOptions.BatchMaxBytes"/>); as safe as always once acknowledged.
    /// </summary>
    Batch,

    /// <summary>Written to the OS (survives a crash or kill -9 of the hub, not a power loss), never fsynced.</summary>
    Off,
}
