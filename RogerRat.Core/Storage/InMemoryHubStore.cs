namespace RogerRat.Core.Storage;

/// <summary>The default: every channel in this process's memory, no I/O, nothing to wait for.</summary>
public sealed class InMemoryHubStore : IHubStore
{
    private readonly Func<int, IMessageRing> _ringFactory;

    /// <summary>A store whose channels each get a lock-free <see cref="MessageRing"/>.</summary>
    public InMemoryHubStore() : this(static capacity => new MessageRing(capacity))
    {
    }

    // Tests and benchmarks swap in the one-lock baseline ring.
    internal InMemoryHubStore(Func<int, IMessageRing> ringFactory) => _ringFactory = ringFactory;

    /// <summary>Opens an <see cref="InMemoryChannelStore"/> of <paramref name="ringCapacity"/> messages; records nothing, so <paramref name="ticket"/> is <see cref="StoreTicket.None"/>.</summary>
    public IChannelStore CreateChannel(ChannelSettings settings, int ringCapacity, out StoreTicket ticket)
    {
        ticket = StoreTicket.None;
        return new InMemoryChannelStore(_ringFactory(ringCapacity));
    }

    /// <summary>Already complete: nothing this store stages needs waiting for.</summary>
    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default) => default;
}
