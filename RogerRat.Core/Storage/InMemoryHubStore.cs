namespace RogerRat.Core.Storage;

/// <summary>The default: every channel in this process's memory, no I/O, nothing to wait for.</summary>
public sealed class InMemoryHubStore : IHubStore
{
    private readonly Func<int, IMessageRing> _ringFactory;

    public InMemoryHubStore() : this(static capacity => new MessageRing(capacity))
    {
    }

    // Tests and benchmarks swap in the one-lock baseline ring.
    internal InMemoryHubStore(Func<int, IMessageRing> ringFactory) => _ringFactory = ringFactory;

    public IChannelStore CreateChannel(ChannelSettings settings, int ringCapacity, out StoreTicket ticket)
    {
        ticket = StoreTicket.None;
        return new InMemoryChannelStore(_ringFactory(ringCapacity));
    }

    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default) => default;
}
