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
    public string Text { get; init; } = "";
    /// <summary>Raw <c>kind</c>: null when absent; validated to message|status.</summary>
    public string? Kind { get; init; }
    /// <summary>Raw <c>priority</c>: null when absent.</summary>
    public string? Priority { get; init; }
    public IReadOnlyList<string?>? SuggestedReplies { get; init; }
    public IReadOnlyList<AttachmentInput?>? Attachments { get; init; }
}

/// <summary>An attachment as sent; <see cref="MessageValidator"/> checks it.</summary>
public sealed record AttachmentInput(string? Mime, string? DataBase64, string? Filename);
