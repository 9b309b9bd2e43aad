namespace RogerRat.Core;

/// <summary>Global counters for <c>/api/stats</c> (reference §9.2), updated lock-free.</summary>
internal sealed class HubCounters(long startedAt)
{
    private long _channelsCreated;
    private long _joinsTotal;
    private long _messagesTotal;

    /// <summary>Carries on from what a durable store counted before the restart.</summary>
    public void Restore(RogerRat.Core.Storage.RestoredHub restored)
    {
        _channelsCreated = restored.ChannelsCreated;
        _joinsTotal = restored.JoinsTotal;
        _messagesTotal = restored.MessagesTotal;
    }

    public long StartedAt { get; } = startedAt;
    public long ChannelsCreated => Volatile.Read(ref _channelsCreated);
    public long JoinsTotal => Volatile.Read(ref _joinsTotal);
    public long MessagesTotal => Volatile.Read(ref _messagesTotal);

    public void ChannelCreated() => Interlocked.Increment(ref _channelsCreated);
    public void Join() => Interlocked.Increment(ref _joinsTotal);
    public void Message() => Interlocked.Increment(ref _messagesTotal);
}

/// <summary>A snapshot of the hub's counters.</summary>
public readonly record struct HubStats(long ChannelsCreated, long JoinsTotal, long MessagesTotal, long StartedAt);
