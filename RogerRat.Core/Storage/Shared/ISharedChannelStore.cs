namespace RogerRat.Core.Storage.Shared;

/// <summary>
/// A channel store that other hubs write too (docs/ARCHITECTURE.md, "Several hubs on one Redis"). The channel keeps a
/// working copy of the shared state and every engine rule stays in C#: a write takes the channel's write lease across
/// hubs (<see cref="BeginWriteAsync"/>, which also brings the working copy up to date), runs the engine's critical
/// sections on it and hands what they changed to <see cref="CommitWriteAsync"/>; a read first catches up
/// (<see cref="RefreshAsync"/>). The store applies other hubs' writes through the <see cref="ISharedReplica"/> it is
/// attached to. Faults are <see cref="HubErrorReason.StoreUnavailable"/>, after which the next write reloads the channel.
/// </summary>
internal interface ISharedChannelStore : IChannelStore
{
    /// <summary>This hub's id in the shared store (unique per process).</summary>
    string HubId { get; }

    /// <summary>Binds the channel whose working copy the store keeps up to date; called once, before any other call.</summary>
    void Attach(ISharedReplica replica);

    /// <summary>Applies what other hubs wrote since the last catch-up (one round trip, no lease). When the working copy
    /// cannot be caught up that way (<see cref="NeedsLoad"/>), it does nothing: the next write's begin reloads it.</summary>
    ValueTask RefreshAsync(CancellationToken cancellationToken);

    /// <summary>True until the channel is loaded, and after a fault or a gap in the change log: only a reload under the
    /// write lease brings the working copy back.</summary>
    bool NeedsLoad { get; }

    /// <summary>Takes the channel's write lease (unless this hub still holds it from the previous batch) and applies
    /// everything written before it, reloading the whole channel when the change log no longer reaches back far enough.</summary>
    ValueTask BeginWriteAsync();

    /// <summary>Writes the batch (messages appended since the begin are the store's own) and publishes it to the other
    /// hubs. The lease stays this hub's when <paramref name="moreQueued"/> and the store's hold limit allow, else it is
    /// released.</summary>
    ValueTask CommitWriteAsync(ChannelBatch batch, bool moreQueued);

    /// <summary>Puts a message another hub stored into the window; false when the window already holds its id.</summary>
    bool AppendReplicated(ChannelMessage message);

    /// <summary>The highest id minted on this channel by any hub as far as this one knows (statuses included).</summary>
    long LastMintedId { get; }

    /// <summary>Ids minted from now on are above <paramref name="id"/>, which another hub minted.</summary>
    void RestoreLastId(long id);

    /// <summary>Makes other hubs' writes reach this hub while a listen is parked (a subscription); completes once they
    /// will, so that a catch-up after it misses nothing. Dispose the handle when the listen ends.</summary>
    ValueTask<IDisposable> WatchAsync(CancellationToken cancellationToken);

    /// <summary>Whether the hub <paramref name="hubId"/> was alive at its last heartbeat (its parked listens and its
    /// deliveries in flight still count).</summary>
    bool IsHubAlive(string hubId);

    /// <summary>How often hubs prove they are alive: how soon one can tell another is gone.</summary>
    TimeSpan LivenessInterval { get; }
}

/// <summary>The channel side of a shared store: where other hubs' writes and full reloads land.</summary>
internal interface ISharedReplica
{
    /// <summary>Applies one batch another hub committed, in log order, and wakes the local listens it concerns.</summary>
    void Apply(ChannelBatch batch);

    /// <summary>Replaces the whole working copy with the store's (a first load, a reload after a fault or a trimmed log).</summary>
    void Replace(ChannelImage image);

    /// <summary>The store lost its connection: parked listens answer empty now (their wake-ups could not arrive).</summary>
    void Disconnected();

    /// <summary>Brings the working copy up to date (another hub wrote: a wake-up arrived), reloading it when needed.</summary>
    ValueTask RefreshAsync(CancellationToken cancellationToken);
}

/// <summary>A hub store whose channels other hubs share: channels are created once for all hubs and opened on demand.</summary>
internal interface ISharedHubStore : IHubStore
{
    /// <summary>Creates the channel for every hub: null when another channel has its id already; refused with
    /// <see cref="HubErrors.TooManyChannels"/> at <paramref name="maxChannels"/> channels in the shared store.</summary>
    ValueTask<ISharedChannelStore?> CreateSharedChannelAsync(ChannelSettings settings, int ringCapacity, int maxChannels);

    /// <summary>Opens a channel another hub created, or null when the shared store has none by that id.</summary>
    ValueTask<(ChannelSettings Settings, ISharedChannelStore Store)?> OpenSharedChannelAsync(string id, int ringCapacity);
}
