namespace RogerRat.Core.Storage;

/// <summary>
/// What a staged write hands back: the store's position for it (a log sequence number for a durable store). Waiting on a
/// ticket waits for everything staged before it too, which is what lets one fsync acknowledge every send in its window.
/// </summary>
/// <param name="Sequence">The store's position for the write; 0 for <see cref="None"/>.</param>
public readonly record struct StoreTicket(long Sequence)
{
    /// <summary>Nothing to wait for: the write is as durable as it will get (the in-memory store).</summary>
    public static StoreTicket None => default;

    /// <summary>True for <see cref="None"/>: there is nothing to wait for.</summary>
    public bool IsNone => Sequence == 0;

    /// <summary>The later of two tickets of one store: waiting on it waits for both.</summary>
    public static StoreTicket Latest(StoreTicket a, StoreTicket b) => a.Sequence >= b.Sequence ? a : b;
}
