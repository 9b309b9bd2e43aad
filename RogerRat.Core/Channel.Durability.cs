using RogerRat.Core.Storage;

namespace RogerRat.Core;

public sealed partial class Channel
{
    // Acknowledgements wait here, outside the lock (docs/ARCHITECTURE.md): a None ticket is the in-memory store's, and
    // returns a completed ValueTask without a state machine or a Task.
    private ValueTask<T> AfterDurable<T>(T result, StoreTicket ticket, CancellationToken ct) =>
        ticket.IsNone ? new ValueTask<T>(result) : AwaitDurable(result, ticket, ct);

    private async ValueTask<T> AwaitDurable<T>(T result, StoreTicket ticket, CancellationToken ct)
    {
        await _store.WaitDurableAsync(ticket, ct).ConfigureAwait(false);
        return result;
    }

    private ValueTask AfterDurable(StoreTicket ticket, CancellationToken ct) =>
        ticket.IsNone ? default : _store.WaitDurableAsync(ticket, ct);

    // The synchronous methods stay for faces not yet on the async ones; they block only on a store with real I/O.
    private static T Wait<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private static void Wait(ValueTask pending)
    {
        if (pending.IsCompletedSuccessfully) return;
        pending.AsTask().GetAwaiter().GetResult();
    }

    // Later tickets cover earlier ones (a store's writes become durable in order).
    private static StoreTicket Latest(StoreTicket a, StoreTicket b) => a.Sequence >= b.Sequence ? a : b;
}
