using System.Collections.Concurrent;

namespace RogerRat.Core.Service.Transcripts;

/// <summary>
/// Transcripts without <c>--data-dir</c>: each channel keeps its newest <see cref="EventsPerChannel"/> events in memory,
/// drops (and counts) the oldest beyond that, and everything is lost at restart. One small lock per channel: appends of
/// one channel are already ordered by the engine, so it is uncontended in practice.
/// </summary>
public sealed class InMemoryTranscriptStore : ITranscriptStore
{
    private readonly ConcurrentDictionary<string, Buffer> _channels = new(StringComparer.Ordinal);

    /// <summary>A store keeping at most <paramref name="eventsPerChannel"/> events per channel.</summary>
    public InMemoryTranscriptStore(int eventsPerChannel) => EventsPerChannel = OptionGuard.Positive(eventsPerChannel, nameof(HubServiceOptions.TranscriptEventsInMemory));

    /// <summary>The per-channel bound (<see cref="HubServiceOptions.TranscriptEventsInMemory"/>).</summary>
    public int EventsPerChannel { get; }

    /// <inheritdoc />
    public string Storage => "memory";

    /// <inheritdoc />
    public TranscriptAppend Append(string channelId, byte[] json)
    {
        var buffer = _channels.GetOrAdd(channelId, static _ => new Buffer());
        lock (buffer)
        {
            buffer.Events.Enqueue(json);
            if (buffer.Events.Count <= EventsPerChannel) return TranscriptAppend.Stored;
            buffer.Events.Dequeue();
            buffer.Dropped++;
            return TranscriptAppend.StoredDroppedOldest;
        }
    }

    /// <inheritdoc />
    public ValueTask<TranscriptPage> ReadAsync(string channelId, int limit, CancellationToken cancellationToken = default)
    {
        if (!_channels.TryGetValue(channelId, out var buffer)) return new(new TranscriptPage([], 0, 0));
        lock (buffer)
        {
            var skip = Math.Max(0, buffer.Events.Count - limit);
            var events = new List<ReadOnlyMemory<byte>>(buffer.Events.Count - skip);
            foreach (var e in buffer.Events)
            {
                if (skip-- > 0) continue;
                events.Add(e);
            }
            return new(new TranscriptPage(events, 0, buffer.Dropped));
        }
    }

    /// <inheritdoc />
    public IReadOnlyCollection<string> RecordedSenders(string channelId) => [];

    /// <inheritdoc />
    public ValueTask FlushAsync() => ValueTask.CompletedTask;

    private sealed class Buffer
    {
        public readonly Queue<byte[]> Events = new();
        public long Dropped;
    }
}
