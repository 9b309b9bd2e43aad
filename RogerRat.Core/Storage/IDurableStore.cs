namespace RogerRat.Core.Storage;

/// <summary>A store whose staged writes become durable later, in the order they were staged.</summary>
public interface IDurableStore
{
    /// <summary>Completes once the write behind <paramref name="ticket"/>, and every write staged before it, is durable.</summary>
    ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default);
}
