namespace RogerRat.Storage;

/// <summary>When a logged write counts as durable, and so when its send is acknowledged (<c>--fsync</c>).</summary>
public enum FsyncPolicy
{
    /// <summary>
    /// One fsync per record, in log order, before that record is acknowledged: nothing acknowledged is lost even on power
    /// loss. Records still reach the OS as soon as they are staged (kill -9 safety), so fsyncs after the first of a burst
    /// find little dirty and cost less.
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
