using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RogerRat.Core.Service.Transcripts;

/// <summary>
/// What each retention mode records (reference §5.1), once for both faces: the service layer calls it after a create,
/// a join, a leave and a send succeeded, so REST and MCP produce the same events. Events go to an
/// <see cref="ITranscriptStore"/> that never blocks; a drop is counted (meter and per channel) and logged, at most once
/// per <see cref="DropLogInterval"/>.
/// </summary>
public sealed class TranscriptLog
{
    internal static readonly TimeSpan DropLogInterval = TimeSpan.FromSeconds(10);

    private readonly HubMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // Retention prompts: the senders whose first message is recorded, seeded once per channel from the store so a
    // restart does not record them again (reference §15.21). Bounded by the channels' callsign caps.
    private readonly ConcurrentDictionary<string, HashSet<string>> _firstSenders = new(StringComparer.Ordinal);
    private long _dropped;
    private long _lastDropLog = long.MinValue;

    internal TranscriptLog(ITranscriptStore store, HubMetrics metrics, TimeProvider time, ILogger logger)
    {
        Store = store;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>Where the events go.</summary>
    public ITranscriptStore Store { get; }

    /// <summary>Events the store refused because its queue was full, since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    internal void ChannelCreated(Channel channel)
    {
        if (channel.Settings.Retention != Retention.None) Append(channel.Id, TranscriptEvents.ChannelCreated(Now, channel.Settings.Retention));
    }

    internal void Joined(Channel channel, string callsign)
    {
        if (channel.Settings.Retention != Retention.None) Append(channel.Id, TranscriptEvents.Join(Now, callsign));
    }

    internal void Left(Channel channel, string callsign)
    {
        if (channel.Settings.Retention != Retention.None) Append(channel.Id, TranscriptEvents.Leave(Now, callsign));
    }

    /// <summary>A stored message; status signals are never recorded, nor priority, kind, replies or attachments.</summary>
    internal void Sent(Channel channel, ChannelMessage message)
    {
        if (message.Kind == MessageKind.Status) return;
        switch (channel.Settings.Retention)
        {
            case Retention.Metadata:
                Append(channel.Id, TranscriptEvents.MessageMeta(message));
                break;
            case Retention.Full:
                Append(channel.Id, TranscriptEvents.Message(message));
                break;
            case Retention.Prompts when FirstFrom(channel.Id, message.From):
                Append(channel.Id, TranscriptEvents.Message(message));
                break;
        }
    }

    private bool FirstFrom(string channelId, string from)
    {
        var senders = _firstSenders.GetOrAdd(channelId, static (id, store) => new HashSet<string>(store.RecordedSenders(id), StringComparer.Ordinal), Store);
        lock (senders) return senders.Add(from);
    }

    private void Append(string channelId, byte[] json)
    {
        switch (Store.Append(channelId, json))
        {
            case TranscriptAppend.Dropped:
                _metrics.TranscriptDropped(TranscriptDropReason.QueueFull);
                var total = Interlocked.Increment(ref _dropped);
                LogDrop(channelId, total, "the writer's queue is full");
                break;
            case TranscriptAppend.StoredDroppedOldest:
                _metrics.TranscriptDropped(TranscriptDropReason.MemoryBound);
                break;
        }
    }

    private void LogDrop(string channelId, long total, string why)
    {
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropLog);
        if (last != long.MinValue && _time.GetElapsedTime(last, now) < DropLogInterval) return;
        if (Interlocked.CompareExchange(ref _lastDropLog, now, last) != last) return;
        _logger.LogWarning("transcript event of channel {ChannelId} dropped: {Why} ({Total} dropped since start)", channelId, why, total);
    }
}
