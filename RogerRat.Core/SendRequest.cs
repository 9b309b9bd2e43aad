namespace RogerRat.Core;

/// <summary>
/// A send as it arrives from a face, already lifted out of JSON but not yet validated. Faces turn JSON shape errors
/// (a non-array, a non-string entry) into the matching <see cref="HubErrors"/> entry; every rule on values lives in
/// <see cref="MessageValidator"/>.
/// </summary>
public sealed class SendRequest
{
    /// <summary>Callsign, <c>#N</c>, <c>all</c>, or empty for broadcast.</summary>
    public string? To { get; init; }
    /// <summary>The raw message body; empty when absent.</summary>
    public string Text { get; init; } = "";
    /// <summary>Raw <c>kind</c>: null when absent; validated to message|status.</summary>
    public string? Kind { get; init; }
    /// <summary>Raw <c>priority</c>: null when absent.</summary>
    public string? Priority { get; init; }
    /// <summary>Raw <c>suggested_replies</c>: null when absent; entries may be null until validated.</summary>
    public IReadOnlyList<string?>? SuggestedReplies { get; init; }
    /// <summary>Raw <c>attachments</c>: null when absent; entries may be null until validated.</summary>
    public IReadOnlyList<AttachmentInput?>? Attachments { get; init; }
}

/// <summary>An attachment as sent; <see cref="MessageValidator"/> checks it.</summary>
/// <param name="Mime">Raw <c>mime</c>, or null when absent.</param>
/// <param name="DataBase64">Raw <c>data_base64</c>, or null when absent.</param>
/// <param name="Filename">Raw <c>filename</c>, or null when absent.</param>
public sealed record AttachmentInput(string? Mime, string? DataBase64, string? Filename);
