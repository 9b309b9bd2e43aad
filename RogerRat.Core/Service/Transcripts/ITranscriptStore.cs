namespace RogerRat.Core.Service.Transcripts;

/// <summary>
/// Where a hub keeps its transcripts (reference §5): one append-only sequence of JSON events per channel. The service
/// layer decides what is recorded (<see cref="TranscriptLog"/>); a store only keeps lines. Appending never blocks and never
/// throws: a store that cannot keep an event drops it and says so, so a send or a join never fails because of a transcript.
/// </summary>
public interface ITranscriptStore
{
    /// <summary>What <c>/api/v1/info</c>, the transcript response and <c>--help</c> name: <c>memory</c> or <c>file</c>.</summary>
    string Storage { get; }

    /// <summary>Takes one event (a UTF-8 JSON object without a line break) for <paramref name="channelId"/>.</summary>
    TranscriptAppend Append(string channelId, byte[] json);

    /// <summary>The last <paramref name="limit"/> events of the channel, every event appended before the call included.</summary>
    ValueTask<TranscriptPage> ReadAsync(string channelId, int limit, CancellationToken cancellationToken = default);

    /// <summary>The senders a full <c>message</c> event was kept for by an earlier run (retention <c>prompts</c> records
    /// only each sender's first message, across restarts). An in-memory store has none.</summary>
    IReadOnlyCollection<string> RecordedSenders(string channelId);

    /// <summary>Completes once every event appended so far is stored (the hub calls it when it stops).</summary>
    ValueTask FlushAsync();
}

/// <summary>What became of an appended event.</summary>
public enum TranscriptAppend
{
    /// <summary>Kept (or queued to be written).</summary>
    Stored,

    /// <summary>Kept, and the channel's oldest event was dropped to stay within the store's bound.</summary>
    StoredDroppedOldest,

    /// <summary>Not kept: the writer's queue was full.</summary>
    Dropped,
}

/// <summary>A transcript read: the events as stored (UTF-8 JSON objects, oldest first), the lines that could not be read
/// and were skipped, and the channel's events dropped by the store so far.</summary>
public sealed record TranscriptPage(IReadOnlyList<ReadOnlyMemory<byte>> Events, long CorruptLines, long DroppedEvents);
