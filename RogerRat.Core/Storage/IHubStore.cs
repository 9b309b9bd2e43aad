namespace RogerRat.Core.Storage;

/// <summary>Where a hub keeps its channels: one <see cref="IChannelStore"/> per channel record.</summary>
public interface IHubStore : IDurableStore
{
    /// <summary>
    /// What the store already holds (a restart), called once by the hub before it opens; <see cref="RestoredHub.Empty"/>
    /// for a new or in-memory store. Restored channels get windows of <paramref name="ringCapacity"/> messages.
    /// </summary>
    RestoredHub Load(int ringCapacity) => RestoredHub.Empty;

    /// <summary>Records a new channel (staged, like every write) and opens its store.</summary>
    IChannelStore CreateChannel(ChannelSettings settings, int ringCapacity, out StoreTicket ticket);
}
