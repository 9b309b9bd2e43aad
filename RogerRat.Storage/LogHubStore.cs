using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Storage;

/// <summary>
/// The durable store (<c>--data-dir</c>): every write of every channel goes to one append-only log of checksummed
/// records, made durable under <see cref="LogStoreOptions.Fsync"/> before the hub acknowledges it; a periodic snapshot
/// lets the log be truncated. <see cref="Open"/> recovers snapshot + log (a torn final record is cut off and logged; any
/// other damage is a <see cref="CorruptDataException"/>) and locks the directory; <c>new Hub(store, ...)</c> then loads
/// the channels back. Dispose after the hub's server stopped: it writes what is staged and a last snapshot.
/// </summary>
public sealed class LogHubStore : IHubStore, IExtensionStore, IDisposable
{
    private readonly DataDirectory _dir;
    private readonly HubShadow _shadow;
    private readonly LogWriter _writer;
    private readonly ILogger _logger;
    // Captured while nothing is staged yet: the writer owns the shadow once records come.
    private readonly List<ExtensionRecord> _recoveredExtensions;
    // Channels the log holds: an extension record for any other would be corruption in the log.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _channelIds = new(StringComparer.Ordinal);
    private bool _loaded;
    private int _disposed;

    private LogHubStore(DataDirectory dir, HubShadow shadow, LogWriter writer, ILogger logger, RecoveryReport report)
    {
        _dir = dir;
        _shadow = shadow;
        _writer = writer;
        _logger = logger;
        Recovery = report;
        _recoveredExtensions = [];
        foreach (var channel in shadow.CreationOrder)
        {
            _channelIds.TryAdd(channel.Settings.Id, 0);
            foreach (var (kind, key, value) in channel.Extensions) _recoveredExtensions.Add(new ExtensionRecord(channel.Settings.Id, kind, key, value));
        }
    }

    /// <summary>What <see cref="Open"/> found: records replayed, whether a torn tail was cut off.</summary>
    public RecoveryReport Recovery { get; }

    /// <summary>The data directory this store holds locked.</summary>
    public string DataDirectory => _dir.Path;

    /// <summary>Sequence of the last durable record (tests, diagnostics).</summary>
    public long DurableSequence => _writer.DurableSequence;

    /// <summary>Locks the directory, recovers it, and starts the log writer.</summary>
    public static LogHubStore Open(LogStoreOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var dir = Storage.DataDirectory.Open(options.DataDirectory);
        try
        {
            var (shadow, segment, report) = Recover(dir, options, logger);
            var writer = new LogWriter(dir, shadow, segment, options, logger, time ?? TimeProvider.System);
            return new LogHubStore(dir, shadow, writer, logger, report);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    private static (HubShadow, FileStream, RecoveryReport) Recover(DataDirectory dir, LogStoreOptions options, ILogger logger)
    {
        var snapshots = dir.Snapshots();
        var shadow = snapshots.Count == 0 ? new HubShadow(options.MaxIdempotencyKeysPerChannel)
            : SnapshotFile.Read(snapshots[^1].Path, options.MaxIdempotencyKeysPerChannel);
        var fromSnapshot = shadow.LastSequence;
        var segments = dir.Segments();
        long replayed = 0;
        var torn = false;
        string? active = null;
        for (var i = 0; i < segments.Count; i++)
        {
            var (_, path) = segments[i];
            var last = i == segments.Count - 1;
            var frames = LogScanner.Read(path, allowTornTail: last, out var validLength);
            foreach (var frame in frames)
            {
                var r = frame.Record;
                if (r.Sequence <= shadow.LastSequence) continue; // already in the snapshot
                if (r.Sequence != shadow.LastSequence + 1)
                {
                    throw new CorruptDataException(path, frame.Offset, $"record {r.Sequence} follows record {shadow.LastSequence}: records are missing");
                }
                try
                {
                    shadow.Apply(r);
                }
                catch (FormatException e)
                {
                    throw new CorruptDataException(path, frame.Offset, e.Message);
                }
                replayed++;
            }
            if (!last) continue;
            active = path;
            var length = new FileInfo(path).Length;
            if (validLength < length)
            {
                torn = true;
                logger.LogWarning("The last record of {File} was torn at offset {Offset} ({Bytes} bytes, a crash mid-write): cut off; it was never acknowledged",
                    path, validLength, length - validLength);
                using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write);
                truncate.SetLength(validLength);
                truncate.Flush(flushToDisk: true);
            }
        }
        var segment = Storage.DataDirectory.OpenAppend(active ?? dir.SegmentPath(shadow.LastSequence + 1));
        segment.Seek(0, SeekOrigin.End);
        if (active is null) dir.SyncDirectory();
        var report = new RecoveryReport(snapshots.Count > 0 ? snapshots[^1].Path : null, fromSnapshot, replayed, torn, shadow.LastSequence);
        if (report.SnapshotFile is not null || replayed > 0)
        {
            logger.LogInformation("Recovered {DataDir}: {Channels} channels, snapshot through record {Snapshot}, {Replayed} log records replayed",
                dir.Path, shadow.CreationOrder.Count, fromSnapshot, replayed);
        }
        return (shadow, segment, report);
    }

    /// <summary>The recovered channels, with their windows filled; the hub calls it once, before any write.</summary>
    public RestoredHub Load(int ringCapacity)
    {
        if (_loaded) throw new InvalidOperationException("the store was already loaded by a hub");
        _loaded = true;
        var hub = new RestoredHub
        {
            ChannelsCreated = _shadow.ChannelsCreated,
            JoinsTotal = _shadow.JoinsTotal,
            MessagesTotal = _shadow.MessagesTotal,
        };
        // The writer thread owns the shadow once started, and it applies only what channels stage: none exist yet.
        _shadow.WindowCapacity = ringCapacity;
        foreach (var shadow in _shadow.CreationOrder)
        {
            shadow.WindowCapacity = ringCapacity;
            while (shadow.Window.Count > ringCapacity) shadow.Window.Dequeue();
            var window = new InMemoryChannelStore(ringCapacity);
            foreach (var message in shadow.Window) window.Restore(message);
            window.RestoreLastId(shadow.MaxId);
            var restored = new RestoredChannel(shadow.Settings, new LogChannelStore(shadow.Settings.Id, window, _writer))
            {
                FirstJoinedAt = shadow.FirstJoinedAt,
                LastActivityAt = shadow.LastActivityAt,
            };
            foreach (var name in shadow.CallsignOrder)
            {
                var cs = shadow.Callsigns[name];
                restored.Callsigns.Add(new RestoredCallsign(name, cs.Cursor, cs.HighWater, cs.IdentityKeyHash));
            }
            foreach (var (sessionId, session) in shadow.SessionsInOrder())
            {
                restored.Sessions.Add(new SessionRecord(sessionId, session.Callsign, session.JoinedAt));
            }
            restored.IdempotencyKeys.AddRange(shadow.KeysInOrder());
            hub.Channels.Add(restored);
        }
        return hub;
    }

    /// <inheritdoc/>
    public IChannelStore CreateChannel(ChannelSettings settings, int ringCapacity, out StoreTicket ticket)
    {
        ticket = _writer.Stage(LogRecord.Created(settings));
        _channelIds.TryAdd(settings.Id, 0);
        return new LogChannelStore(settings.Id, new InMemoryChannelStore(ringCapacity), _writer);
    }

    /// <inheritdoc/>
    public StoreTicket PutExtension(string channelId, string kind, string key, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(key);
        if (!_channelIds.ContainsKey(channelId)) throw new ArgumentException($"channel {channelId} is not in the store", nameof(channelId));
        return _writer.Stage(LogRecord.ExtensionPut(channelId, kind, key, value));
    }

    /// <inheritdoc/>
    public IReadOnlyList<ExtensionRecord> Recovered(string kind) => _recoveredExtensions.FindAll(e => e.Kind == kind);

    /// <inheritdoc/>
    public ValueTask WaitDurableAsync(StoreTicket ticket, CancellationToken cancellationToken = default) =>
        _writer.WaitDurableAsync(ticket, cancellationToken);

    /// <summary>Takes a snapshot now and truncates the log behind it (tests; the writer also does it every <see cref="LogStoreOptions.SnapshotEveryBytes"/>).</summary>
    public Task SnapshotAsync() => _writer.SnapshotAsync();

    /// <summary>Writes what is staged, takes a last snapshot, stops the writer and releases the directory lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _writer.Dispose();
        _dir.Dispose();
        _logger.LogInformation("Data dir {DataDir} closed through record {Sequence}", _dir.Path, _writer.DurableSequence);
    }
}

/// <summary>What recovery found in the data dir.</summary>
/// <param name="SnapshotFile">The snapshot recovery started from, or null when there was none.</param>
/// <param name="SnapshotSequence">The last record sequence the snapshot covers.</param>
/// <param name="RecordsReplayed">Log records applied on top of the snapshot.</param>
/// <param name="TornTailCut">Whether a torn final record was found by its checksum and truncated.</param>
/// <param name="LastSequence">The sequence of the last record recovered.</param>
public sealed record RecoveryReport(string? SnapshotFile, long SnapshotSequence, long RecordsReplayed, bool TornTailCut, long LastSequence);
