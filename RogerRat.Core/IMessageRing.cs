namespace RogerRat.Core;

/// <summary>
/// The store of a channel's last <see cref="Capacity"/> messages. Appends are serialised by the channel (one writer at a
/// time); reads may run concurrently with an append. Positions count every append since the channel began, so a reader
/// can tell which part of what it read is still retained (<see cref="OldestPosition"/>).
/// </summary>
internal interface IMessageRing
{
    int Capacity { get; }

    /// <summary>Position the next append will take; equals the number of appends so far.</summary>
    long Tail { get; }

    /// <summary>Position of the oldest retained message (= <c>max(0, Tail - Capacity)</c>).</summary>
    long OldestPosition { get; }

    /// <summary>Appends (single writer) and returns the message it pushed out, if any.</summary>
    ChannelMessage? Append(ChannelMessage message);

    /// <summary>
    /// Adds to <paramref name="into"/>, in order, every retained message with <c>Id &gt; afterId</c> that
    /// <paramref name="callsign"/> may receive (all messages when it is null), at most <paramref name="max"/>.
    /// Returns the position the read started at, for the caller's check that nothing it read has since been evicted.
    /// </summary>
    long ReadAfter(long afterId, string? callsign, List<ChannelMessage> into, int max);

    /// <summary>True when a retained message with <c>Id &gt; afterId</c> is for <paramref name="callsign"/>. Allocates nothing.</summary>
    bool AnyAfter(long afterId, string callsign);

    /// <summary>Id of the oldest retained message, or null when empty.</summary>
    long? OldestId { get; }

    /// <summary>The last <paramref name="count"/> retained messages, oldest first.</summary>
    ChannelMessage[] Last(int count);
}
