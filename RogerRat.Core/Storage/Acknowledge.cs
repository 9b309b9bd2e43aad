namespace RogerRat.Core.Storage;

/// <summary>
/// Where an acknowledgement waits, outside every lock (docs/ARCHITECTURE.md). A <see cref="StoreTicket.None"/> ticket is
/// the in-memory store's: the answer is a completed <see cref="ValueTask"/>, with no state machine and no Task.
/// </summary>
internal static class Acknowledge
{
    public static ValueTask<T> After<T>(IDurableStore store, T result, StoreTicket ticket, CancellationToken ct) =>
        ticket.IsNone ? new ValueTask<T>(result) : AwaitDurable(store, result, ticket, ct);

    public static ValueTask After(IDurableStore store, StoreTicket ticket, CancellationToken ct) =>
        ticket.IsNone ? default : store.WaitDurableAsync(ticket, ct);

    // The engine's synchronous methods stay for faces not yet on the async ones; they block only on a store with I/O.
    public static T Wait<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    public static void Wait(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully) pending.AsTask().GetAwaiter().GetResult();
    }

    private static async ValueTask<T> AwaitDurable<T>(IDurableStore store, T result, StoreTicket ticket, CancellationToken ct)
    {
        await store.WaitDurableAsync(ticket, ct).ConfigureAwait(false);
        return result;
    }
}
