namespace RogerRat.Core.Storage;

/// <summary>Where a hub keeps its channels: one <see cref="IChannelStore"/> per channel record.</summary>
public interface IHubStore : IDurableStore
{
    /// <summary>Records a new channel (staged, like every write) and opens its store.</summary>
    IChannelStore CreateChannel(ChannelSettings settings, int ringCapacity, out StoreTicket ticket);
}
