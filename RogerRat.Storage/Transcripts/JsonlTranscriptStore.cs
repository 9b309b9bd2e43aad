using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RogerRat.Core.Service.Transcripts;

namespace RogerRat.Storage.Transcripts;

/// <summary>
/// Transcripts as JSONL files, one per channel (<c>&lt;channelId&gt;.jsonl</c>, reference §5.2), append-only and never
/// rewritten. Design:
/// <list type="bullet">
/// <item>Appends go into a bounded queue (<see cref="TranscriptStoreOptions.QueueCapacity"/>) that one background writer
/// drains in batches, one open-append-close per channel per batch: no file I/O on a request's path, and a full queue is a
/// dropped (counted) event, never a blocked send.</item>
/// <item><c>_accepted</c> (appenders) and <c>_written</c> (the writer) count events; a read first waits until the
/// writer has passed what was accepted when the read began, so a transcript shows every event acknowledged before it.</item>
/// <item>A line that is not one JSON object (a torn write, a hand edit) is skipped and counted on read, never an error.
/// Before its first append to a file the writer ends a torn last line, so the damage stays on that line.</item>
/// <item>No fsync: a transcript is a record, not the hub's state; the durable log (<c>--fsync</c>) covers messages.
/// <see cref="DisposeAsync"/> drains the queue and closes.</item>
/// </list>
/// </summary>
public sealed class JsonlTranscriptStore : ITranscriptStore, IAsyncDisposable
{
    private const UnixFileMode DirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly byte[] s_newline = "\n"u8.ToArray();

    private readonly Channel<(string ChannelId, byte[] Json)> _queue;
    private readonly TranscriptStoreOptions _options;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private readonly ConcurrentDictionary<string, long> _dropped = new(StringComparer.Ordinal);
    // The corrupt-line count last logged per channel: a dashboard polling a damaged transcript logs it once, not per read.
    private readonly ConcurrentDictionary<string, long> _corruptLogged = new(StringComparer.Ordinal);
    // Writer-owned: the files whose tail it already checked.
    private readonly HashSet<string> _tailChecked = new(StringComparer.Ordinal);
    private long _accepted;
    private long _written;
    private TaskCompletionSource _progress = NewProgress();

    /// <summary>Opens (creating it 0700 if needed) the transcripts directory and starts the writer.</summary>
    public JsonlTranscriptStore(TranscriptStoreOptions options, ILogger? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        Directory = Path.GetFullPath(options.Directory);
        if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
        else System.IO.Directory.CreateDirectory(Directory, DirMode);
        _queue = Channel.CreateBounded<(string, byte[])>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
            // Wait makes TryWrite answer false when full: the drop is the caller's to count, not silent.
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The transcripts directory (absolute).</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public string Storage => "file";

    /// <summary>Events dropped because the queue was full, since the store opened.</summary>
    public long Dropped
    {
        get
        {
            long n = 0;
            foreach (var (_, d) in _dropped) n += d;
            return n;
        }
    }

    /// <inheritdoc />
    public TranscriptAppend Append(string channelId, byte[] json)
    {
        if (IsSafeName(channelId) && _queue.Writer.TryWrite((channelId, json)))
        {
            Interlocked.Increment(ref _accepted);
            return TranscriptAppend.Stored;
        }
        _dropped.AddOrUpdate(channelId, 1, static (_, n) => n + 1);
        return TranscriptAppend.Dropped;
    }

    /// <inheritdoc />
    public async ValueTask<TranscriptPage> ReadAsync(string channelId, int limit, CancellationToken cancellationToken = default)
    {
        await WrittenAsync(Interlocked.Read(ref _accepted), cancellationToken).ConfigureAwait(false);
        var dropped = _dropped.TryGetValue(channelId, out var d) ? d : 0;
        if (!IsSafeName(channelId) || !File.Exists(PathOf(channelId))) return new TranscriptPage([], 0, dropped);
        var last = new Queue<ReadOnlyMemory<byte>>(Math.Min(limit, 1024));
        long corrupt = 0;
        foreach (var line in ReadLines(channelId))
        {
            if (!TranscriptLine.IsEvent(line.Span))
            {
                corrupt++;
                continue;
            }
            if (last.Count == limit) last.Dequeue();
            last.Enqueue(line);
        }
        if (corrupt > 0 && (!_corruptLogged.TryGetValue(channelId, out var logged) || logged != corrupt))
        {
            _corruptLogged[channelId] = corrupt;
            _logger.LogWarning("transcript {File}: {Corrupt} line(s) are not JSON events and were skipped", PathOf(channelId), corrupt);
        }
        return new TranscriptPage([.. last], corrupt, dropped);
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> RecordedSenders(string channelId)
    {
        var senders = new HashSet<string>(StringComparer.Ordinal);
        if (!IsSafeName(channelId) || !File.Exists(PathOf(channelId))) return senders;
        try
        {
            foreach (var line in ReadLines(channelId))
            {
                if (TranscriptLine.MessageSender(line.Span) is { } from) senders.Add(from);
            }
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "transcript {File}: could not read the senders already recorded", PathOf(channelId));
        }
        return senders;
    }

    /// <inheritdoc />
    public ValueTask FlushAsync() => new(WrittenAsync(Interlocked.Read(ref _accepted), CancellationToken.None));

    /// <summary>Stops taking events, writes every queued one, and closes.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private string PathOf(string channelId) => Path.Combine(Directory, channelId + ".jsonl");

    // Channel ids are minted by the hub ([a-z0-9-]); anything else never becomes a path.
    private static bool IsSafeName(string id)
    {
        if (id.Length is 0 or > 128) return false;
        foreach (var ch in id)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_')) return false;
        }
        return true;
    }

    private static TaskCompletionSource NewProgress() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task WrittenAsync(long target, CancellationToken cancellationToken)
    {
        while (true)
        {
            var progress = Volatile.Read(ref _progress);
            if (Interlocked.Read(ref _written) >= target || _writer.IsCompleted) return;
            await progress.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<(string ChannelId, byte[] Json)>(_options.MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (batch.Count < _options.MaxBatch && reader.TryRead(out var item)) batch.Add(item);
                WriteBatch(batch);
                Interlocked.Add(ref _written, batch.Count);
                batch.Clear();
                Interlocked.Exchange(ref _progress, NewProgress()).TrySetResult();
            }
        }
        finally
        {
            _progress.TrySetResult();
        }
    }

    // Groups the batch by channel, keeping each channel's order; one file open per channel per batch.
    private void WriteBatch(List<(string ChannelId, byte[] Json)> batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var channelId = batch[i].ChannelId;
            if (channelId.Length == 0) continue; // already written with an earlier one of its channel
            try
            {
                using var file = OpenAppend(channelId);
                for (var j = i; j < batch.Count; j++)
                {
                    if (batch[j].ChannelId != channelId) continue;
                    file.Write(batch[j].Json);
                    file.Write(s_newline);
                    if (j > i) batch[j] = ("", batch[j].Json);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                var lost = 0;
                for (var j = i; j < batch.Count; j++)
                {
                    if (batch[j].ChannelId != channelId) continue;
                    lost++;
                    if (j > i) batch[j] = ("", batch[j].Json);
                }
                _dropped.AddOrUpdate(channelId, lost, (_, n) => n + lost);
                _logger.LogError(e, "transcript {File}: {Lost} event(s) could not be written", PathOf(channelId), lost);
            }
        }
    }

    private FileStream OpenAppend(string channelId)
    {
        var path = PathOf(channelId);
        var options = new FileStreamOptions
        {
            Mode = System.IO.FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite,
            BufferSize = 16 * 1024,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        var file = new FileStream(path, options);
        try
        {
            file.Seek(0, SeekOrigin.End);
            if (_tailChecked.Add(channelId) && file.Length > 0)
            {
                // A line torn by a crash would swallow the next event: end it first, so it stays one skipped line.
                file.Seek(-1, SeekOrigin.End);
                var lastByte = file.ReadByte();
                file.Seek(0, SeekOrigin.End);
                if (lastByte != '\n') file.Write(s_newline);
            }
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    // Every complete line of the channel's file.
    private IEnumerable<ReadOnlyMemory<byte>> ReadLines(string channelId)
    {
        using var file = new FileStream(PathOf(channelId), System.IO.FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024);
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            var n = file.Read(buffer, filled, buffer.Length - filled);
            if (n == 0) break;
            filled += n;
            var start = 0;
            while (true)
            {
                var nl = Array.IndexOf(buffer, (byte)'\n', start, filled - start);
                if (nl < 0) break;
                if (nl > start) yield return buffer.AsSpan(start, nl - start).ToArray();
                start = nl + 1;
            }
            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
        }
        // An unterminated last line is an append in flight, or torn by a crash: the writer ends a torn one before its
        // next append, and from then on it is counted as corrupt.
    }
}
