namespace RogerRat.Core.Storage;

/// <summary>
/// Records a face keeps per channel beside the engine's, opaque to the engine and the store: a kind names their owner
/// (the REST face's webhook registrations are <c>"webhook"</c>), a key names one record within its channel, and the
/// bytes are the owner's own encoding. A durable store logs them in order with everything else, keeps them in its
/// snapshots and drops them with their channel; the in-memory store has none (a face then keeps its records itself).
/// </summary>
public interface IExtensionStore : IDurableStore
{
    /// <summary>
    /// Records <paramref name="value"/> under (<paramref name="channelId"/>, <paramref name="kind"/>, <paramref name="key"/>),
    /// replacing what was there; a null value forgets the record. Staged like every write: await
    /// <see cref="IDurableStore.WaitDurableAsync"/> before acknowledging it. The channel must exist in the store.
    /// </summary>
    StoreTicket PutExtension(string channelId, string kind, string key, byte[]? value);

    /// <summary>The records of <paramref name="kind"/> the store recovered when it opened, channel by channel in creation order, each channel's in the order first written.</summary>
    IReadOnlyList<ExtensionRecord> Recovered(string kind);
}

/// <summary>One recovered extension record (<see cref="IExtensionStore"/>).</summary>
public sealed record ExtensionRecord(string ChannelId, string Kind, string Key, byte[] Value);
