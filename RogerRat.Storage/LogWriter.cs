using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Storage;

/// <summary>
/// The log's writer. Channels stage records from under their own locks (<see cref="Stage"/>: a sequence number and a
/// list append, no I/O). What happens next depends on <see cref="LogStoreOptions.Fsync"/>:
/// <list type="bullet">
/// <item>the <b>writer</b> thread takes everything staged, encodes it, writes it to the segment in one write, and
/// applies it to the <see cref="HubShadow"/> (its alone); it never waits for an fsync, so a record reaches the OS (safe
/// from a crash of the process, kill -9 included) one thread hand-off after it was staged. That is what keeps a listen's
/// cursor record right behind its response under every policy.</item>
/// <item>the <b>syncer</b> thread makes what was written durable. Under <see cref="FsyncPolicy.Batch"/> a group closes
/// when as many records as the last group held have been written since the last fsync ended (everyone who waited on it
/// is back; records written while it ran join the group without counting), when it reaches
/// <see cref="LogStoreOptions.BatchMaxRecords"/> or <see cref="LogStoreOptions.BatchMaxBytes"/>, or when it has waited
/// as long as the last fsync took (at least 1 ms, at most <see cref="LogStoreOptions.BatchWindow"/>) past its first
/// record or the last fsync's end, whichever is later; one fsync acknowledges every record of the group (group commit). Under <see cref="FsyncPolicy.Always"/> every fsync acknowledges one record
/// (the next one in log order). Under <see cref="FsyncPolicy.Off"/> it does not run and a record counts as durable once
/// written.</item>
/// </list>
/// Waiters complete at or below the durable sequence. The writer also takes the snapshots and rotates the segments.
/// </summary>
internal sealed class LogWriter : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _waitGate = new();
    // Held by an fsync and by a segment rotation, so the syncer never syncs a segment the writer is closing.
    private readonly Lock _fileGate = new();
    // Held while records are written and applied to the shadow, by the writer thread or by a waiter helping it.
    private readonly Lock _writeGate = new();
    private readonly DataDirectory _dir;
    private readonly HubShadow _shadow;
    private readonly LogStoreOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Thread _writer;
    private readonly Thread? _syncer;
    private readonly SemaphoreSlim _work = new(0);
    private readonly SemaphoreSlim _sync = new(0);
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];
    private readonly bool _always;

    private List<LogRecord> _pending = [];
    private List<LogRecord> _taking = [];
    private long _staged;
    private long _written;
    private long _durable;
    // Batch: bytes written since the log began (the syncer compares it with what its last fsync covered), the
    // Stopwatch time the current group opened (0: none open) and the size of the last group.
    private long _writtenBytes;
    private long _groupOpenedAt;
    private Exception? _failure;
    private bool _signalled;
    private bool _stopping;
    private volatile bool _syncerStopping;
    private bool _snapshotWanted;
    private List<TaskCompletionSource>? _snapshotDone;

    private FileStream _segment;
    private long _sinceSnapshot;

    public LogWriter(DataDirectory dir, HubShadow shadow, FileStream segment, LogStoreOptions options, ILogger logger, TimeProvider time)
    {
        _dir = dir;
        _shadow = shadow;
        _segment = segment;
        _options = options;
        _logger = logger;
        _time = time;
        _staged = _written = _durable = shadow.LastSequence;
        _always = options.Fsync == FsyncPolicy.Always;
        _writer = new Thread(RunWriter) { IsBackground = true, Name = "RogerRat log writer" };
        _writer.Start();
        if (options.Fsync != FsyncPolicy.Off)
        {
            _syncer = new Thread(RunSyncer) { IsBackground = true, Name = "RogerRat log fsync" };
            _syncer.Start();
        }
    }

    public long DurableSequence => Volatile.Read(ref _durable);

    /// <summary>Queues a record for the log; the ticket completes when it is durable. Never blocks on I/O, never throws.</summary>
    public StoreTicket Stage(LogRecord record)
    {
        long sequence;
        lock (_gate)
        {
            sequence = ++_staged;
            _pending.Add(record with { Sequence = sequence });
            if (_signalled) return new StoreTicket(sequence);
            _signalled = true;
        }
        _work.Release();
        return new StoreTicket(sequence);
    }

    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.IsNone) return default;
        // A waiter whose record is not written yet writes what is staged itself, unless a write is under way: the
        // record reaches the OS without a thread hand-off. That is what keeps a listen's cursor record right behind
        // its response (a kill -9 in between would deliver that response again after the restart).
        if (ticket.Sequence > Volatile.Read(ref _written) && _writeGate.TryEnter())
        {
            try
            {
                WritePending();
            }
            finally
            {
                _writeGate.Exit();
            }
        }
        TaskCompletionSource done;
        lock (_waitGate)
        {
            if (_failure is not null) return ValueTask.FromException(Failed());
            if (ticket.Sequence <= _durable) return default;
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((ticket.Sequence, done));
        }
        return cancellationToken.CanBeCanceled ? new ValueTask(done.Task.WaitAsync(cancellationToken)) : new ValueTask(done.Task);
    }

    /// <summary>Asks the writer for a snapshot now (tests, shutdown); completes when it is on disk.</summary>
    public Task SnapshotAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _snapshotWanted = true;
            (_snapshotDone ??= []).Add(done);
            _signalled = true;
        }
        _work.Release();
        return done.Task;
    }

    private HubException Failed() => new(new HubError(HubErrorReason.Unavailable,
        $"storage unavailable: the data dir could not be written ({_failure!.Message})", "the hub's operator must check its disk"));

    private void RunWriter()
    {
        while (true)
        {
            _work.Wait();
            bool stopping, snapshot;
            List<TaskCompletionSource>? snapshotDone;
            lock (_gate)
            {
                _signalled = false;
                stopping = _stopping;
                snapshot = _snapshotWanted;
                snapshotDone = _snapshotDone;
                _snapshotWanted = false;
                _snapshotDone = null;
            }
            lock (_writeGate)
            {
                WritePending();
                if (Volatile.Read(ref _failure) is null && (snapshot || _sinceSnapshot >= _options.SnapshotEveryBytes))
                {
                    try
                    {
                        Snapshot();
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        Fail(e);
                    }
                }
            }
            foreach (var done in snapshotDone ?? [])
            {
                if (Volatile.Read(ref _failure) is null) done.TrySetResult();
                else done.TrySetException(Failed());
            }
            if (stopping)
            {
                lock (_gate) if (_pending.Count == 0) return;
            }
        }
    }

    // Caller holds _writeGate (the writer thread, or a waiter helping it): writes whatever is staged now.
    private void WritePending()
    {
        lock (_gate)
        {
            if (_pending.Count == 0) return;
            (_pending, _taking) = (_taking, _pending);
        }
        if (Volatile.Read(ref _failure) is null)
        {
            try
            {
                Write(_taking);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(e);
            }
        }
        _taking.Clear();
    }

    // Caller holds _writeGate.
    private void Write(List<LogRecord> records)
    {
        _buffer.ResetWrittenCount();
        foreach (var record in records) RecordCodec.WriteFrame(_buffer, record);
        _segment.Write(_buffer.WrittenSpan);
        _sinceSnapshot += _buffer.WrittenCount;
        var bytes = _buffer.WrittenCount;
        if (_buffer.Capacity > 4 << 20) _buffer.Clear(); // a burst's buffer is not kept forever
        foreach (var record in records) _shadow.Apply(record);
        var last = records[^1].Sequence;
        if (_syncer is null)
        {
            Volatile.Write(ref _written, last);
            Complete(last);
            return;
        }
        // The group opens with its first write; the syncer closes it.
        Interlocked.CompareExchange(ref _groupOpenedAt, Stopwatch.GetTimestamp(), 0);
        Interlocked.Add(ref _writtenBytes, bytes);
        Volatile.Write(ref _written, last);
        _sync.Release();
    }

    // Batch: one fsync per group (see the class summary for when a group closes). Always: one fsync per record.
    private void RunSyncer()
    {
        long lastGroup = 1;
        long syncedBytes = 0;
        // Batch: when the last fsync ended, what it cost, and how many records were written while it ran: those did
        // not wait on it, so they are not among the ones it sends back to write again.
        long lastEnd = 0, carried = 0;
        var lastFlush = _options.BatchWindow;
        while (true)
        {
            _sync.Wait();
            try
            {
                while (Volatile.Read(ref _failure) is null)
                {
                    var durable = Volatile.Read(ref _durable);
                    if (Volatile.Read(ref _written) <= durable) break;
                    // Waiting much longer than a flush costs is never worth it: a second flush would serve latecomers
                    // sooner. (At least 1 ms: the semaphore's timeout is in whole milliseconds.)
                    var wait = TimeSpan.FromTicks(Math.Min(_options.BatchWindow.Ticks, Math.Max(lastFlush.Ticks, TimeSpan.TicksPerMillisecond)));
                    var deadline = Math.Max(Interlocked.Read(ref _groupOpenedAt), lastEnd) + (long)(wait.TotalSeconds * Stopwatch.Frequency);
                    while (!_always && !_syncerStopping)
                    {
                        var records = Volatile.Read(ref _written) - durable;
                        if (records - carried >= lastGroup || records >= _options.BatchMaxRecords
                            || Interlocked.Read(ref _writtenBytes) - syncedBytes >= _options.BatchMaxBytes) break;
                        var left = deadline - Stopwatch.GetTimestamp();
                        if (left <= 0) break;
                        _sync.Wait((int)Math.Ceiling(left * 1000.0 / Stopwatch.Frequency)); // each write wakes it to count again
                    }
                    // Records written from here on open the next group; the fsync covers at least what is counted now.
                    Interlocked.Exchange(ref _groupOpenedAt, 0);
                    var written = Volatile.Read(ref _written);
                    var bytes = Interlocked.Read(ref _writtenBytes);
                    var started = Stopwatch.GetTimestamp();
                    lock (_fileGate) DataDirectory.Sync(_segment);
                    lastEnd = Stopwatch.GetTimestamp();
                    lastFlush = Stopwatch.GetElapsedTime(started, lastEnd);
                    syncedBytes = bytes;
                    lastGroup = Math.Max(1, written - durable);
                    carried = Volatile.Read(ref _written) - written;
                    Complete(_always ? durable + 1 : written);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                Fail(e);
            }
            if (_syncerStopping && (Volatile.Read(ref _failure) is not null || Volatile.Read(ref _written) <= Volatile.Read(ref _durable))) return;
        }
    }

    private void Complete(long sequence)
    {
        List<TaskCompletionSource>? done = null;
        lock (_waitGate)
        {
            if (sequence <= _durable) return;
            _durable = sequence;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Sequence > sequence) continue;
                (done ??= []).Add(_waiters[i].Done);
                _waiters.RemoveAt(i);
            }
        }
        if (done is not null) foreach (var d in done) d.TrySetResult();
    }

    private void Fail(Exception e)
    {
        List<TaskCompletionSource> waiting;
        lock (_waitGate)
        {
            if (_failure is not null) return;
            _failure = e;
            waiting = [.. _waiters.Select(static w => w.Done)];
            _waiters.Clear();
        }
        _logger.LogCritical(e, "The log in {DataDir} could not be written; every write from now on fails (503) until the hub restarts", _dir.Path);
        foreach (var w in waiting) w.TrySetException(Failed());
    }

    /// <summary>
    /// Writes the shadow through the last written record to a snapshot (temp file, fsync, rename, directory fsync), starts
    /// a new segment after it, and only then deletes the segments and snapshots it replaces: a crash at any step leaves a
    /// directory that recovers to the same state.
    /// </summary>
    private void Snapshot()
    {
        var sequence = _shadow.LastSequence;
        var path = _dir.SnapshotPath(sequence);
        if (_sinceSnapshot == 0 && File.Exists(path)) return; // nothing new since the last one
        SnapshotFile.Write(path, _shadow, _time.GetUtcNow().ToUnixTimeMilliseconds());
        _dir.SyncDirectory();
        var next = _dir.SegmentPath(sequence + 1);
        if (next != _segment.Name)
        {
            lock (_fileGate)
            {
                DataDirectory.Sync(_segment);
                var old = _segment;
                _segment = DataDirectory.OpenAppend(next);
                _segment.Seek(0, SeekOrigin.End);
                old.Dispose();
            }
            _dir.SyncDirectory();
        }
        Complete(sequence); // the snapshot holds everything through it, durably
        foreach (var (first, segment) in _dir.Segments()) if (first <= sequence && segment != _segment.Name) File.Delete(segment);
        foreach (var (covered, snapshot) in _dir.Snapshots()) if (covered < sequence) File.Delete(snapshot);
        _sinceSnapshot = 0;
        _logger.LogInformation("Snapshot of the data dir through record {Sequence} written; older log segments removed", sequence);
    }

    /// <summary>Writes what is staged, makes it durable, takes a last snapshot if configured, and stops both threads.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            _snapshotWanted |= _options.SnapshotOnDispose;
            _signalled = true;
        }
        _work.Release();
        _writer.Join();
        if (_syncer is not null)
        {
            _syncerStopping = true;
            _sync.Release();
            _syncer.Join();
        }
        _segment.Dispose();
    }
}
