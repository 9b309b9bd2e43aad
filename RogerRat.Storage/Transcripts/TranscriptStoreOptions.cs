using RogerRat.Core;

namespace RogerRat.Storage.Transcripts;

/// <summary>Where and how <see cref="JsonlTranscriptStore"/> writes. Every limit has its default here and nowhere else.</summary>
public sealed class TranscriptStoreOptions
{
    /// <summary>The directory of the <c>&lt;channelId&gt;.jsonl</c> files: <c>&lt;data-dir&gt;/transcripts</c>, or
    /// <c>ROGERRAT_TRANSCRIPTS</c> (reference §5.2). Created (0700) when the store opens.</summary>
    public required string Directory { get; set; }

    /// <summary>Events waiting for the writer; an append beyond it is dropped and counted, never waited for, so a slow
    /// disk cannot stall a send (default 10,000).</summary>
    public int QueueCapacity { get; set => field = OptionGuard.Positive(value); } = 10_000;

    /// <summary>Most events the writer takes from the queue before it writes them out (default 512).</summary>
    public int MaxBatch { get; set => field = OptionGuard.Positive(value); } = 512;
}
