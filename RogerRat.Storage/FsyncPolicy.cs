namespace RogerRat.Storage;

/// <summary>When a logged write counts as durable, and so when its send is acknowledged (<c>--fsync</c>).</summary>
public enum FsyncPolicy
{
    /// <summary>One fsync per record: nothing acknowledged is lost even on power loss; the slowest.</summary>
    Always,

    /// <summary>Group commit: every record staged while an fsync runs shares the next one (one fsync per window).</summary>
    Batch,

    /// <summary>Written to the OS (survives a crash or kill -9 of the hub, not a power loss), never fsynced.</summary>
    Off,
}
