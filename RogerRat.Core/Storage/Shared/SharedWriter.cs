namespace RogerRat.Core.Storage.Shared;

/// <summary>
/// Runs a shared channel's writes in batches (group commit over the network): the first writer starts a loop that takes
/// the channel's write lease, runs every write queued by then under the channel's lock, commits what they changed in
/// one round trip and completes them together; writes queued meanwhile form the next batch, which keeps the lease when
/// the store allows. A write completes only after its batch is in the shared store, so nothing another hub cannot see
/// is ever acknowledged. A refusal by the engine fails only its own write; a store fault fails the whole batch, and the
/// store reloads the channel before the next one.
/// </summary>
internal sealed class SharedWriter(Func<ChannelBatch> collect, ISharedChannelStore store)
{
    private readonly Lock _queueGate = new();
    private readonly Queue<IWrite> _queue = new();
    private bool _running;

    /// <summary>Queues <paramref name="stage"/> (which takes the channel's lock itself) and completes with its result
    /// once its batch is committed.</summary>
    public Task<T> RunAsync<T>(Func<T> stage)
    {
        var write = new Write<T>(stage);
        bool start;
        lock (_queueGate)
        {
            _queue.Enqueue(write);
            start = !_running;
            _running = true;
        }
        if (start) _ = RunBatchesAsync();
        return write.Task;
    }

    private async Task RunBatchesAsync()
    {
        var batch = new List<IWrite>();
        while (true)
        {
            lock (_queueGate)
            {
                if (_queue.Count == 0)
                {
                    _running = false;
                    return;
                }
                while (_queue.TryDequeue(out var w)) batch.Add(w);
            }
            try
            {
                // A no-op while the store kept the lease from the batch before (its call: it knows how long it held it).
                await store.BeginWriteAsync().ConfigureAwait(false);
                foreach (var w in batch) w.Stage();
                var changes = collect();
                bool moreQueued;
                lock (_queueGate) moreQueued = _queue.Count > 0;
                await store.CommitWriteAsync(changes, moreQueued).ConfigureAwait(false);
                foreach (var w in batch) w.Complete();
            }
            catch (Exception e)
            {
                var fault = e as HubException ?? new HubException(HubErrors.StoreUnavailableError);
                foreach (var w in batch) w.Fail(fault);
            }
            batch.Clear();
        }
    }

    private interface IWrite
    {
        void Stage();
        void Complete();
        void Fail(Exception storeFault);
    }

    private sealed class Write<T>(Func<T> stage) : IWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _refused;

        public Task<T> Task => _done.Task;

        public void Stage()
        {
            try
            {
                _result = stage();
            }
            catch (Exception e)
            {
                _refused = e;
            }
        }

        public void Complete()
        {
            if (_refused is not null) _done.TrySetException(_refused);
            else _done.TrySetResult(_result!);
        }

        // A write the engine refused changed nothing, so it keeps its own answer; an accepted one was never stored.
        public void Fail(Exception storeFault) => _done.TrySetException(_refused ?? storeFault);
    }
}
