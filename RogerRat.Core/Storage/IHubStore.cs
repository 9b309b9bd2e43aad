namespace RogerRat.Core.Storage;

/// <summary>Where a hub keeps its channels: one <see cref="IChannelStore"/> per channel record.</summary>
public interface IHubStore
{
    /// <summary>Records a new channel (staged, like every write) and opens its store.</summary>
    IChannelStore CreateChannel(ChannelSettings settings, int ringCapacity, out StoreTicket ticket);

    /// <summary>Completes once the write behind <paramref name="ticket"/> is durable.</summary>
    ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default);
}
