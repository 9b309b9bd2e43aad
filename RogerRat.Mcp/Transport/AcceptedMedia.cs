namespace RogerRat.Mcp;

/// <summary>Which answers a POST's Accept header lets us send: a JSON body, an event stream, or both.</summary>
internal readonly record struct AcceptedMedia(bool Json, bool EventStream)
{
    public bool Any => Json || EventStream;

    // No Accept means anything (RFC 9110 §12.5.1); wildcards count as JSON, never as a stream the client did not ask for.
    public static AcceptedMedia Of(string? accept)
    {
        accept ??= "*/*";
        return new(
            Json: accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) || accept.Contains("*/*", StringComparison.Ordinal)
                || accept.Contains("application/*", StringComparison.OrdinalIgnoreCase),
            EventStream: accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));
    }
}
