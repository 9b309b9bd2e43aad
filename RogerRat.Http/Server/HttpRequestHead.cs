namespace RogerRat.Http.Server;

/// <summary>The parsed request line and header block of one request.</summary>
internal sealed class HttpRequestHead
{
    public required string Method { get; init; }
    public required string Target { get; init; }
    /// <summary>1 for HTTP/1.1, 0 for HTTP/1.0.</summary>
    public required int MinorVersion { get; init; }
    public required List<KeyValuePair<string, string>> Headers { get; init; }
    public long? ContentLength { get; set; }
    public bool Chunked { get; set; }
    public bool KeepAlive { get; set; }
    public bool ExpectContinue { get; set; }

    public string? Header(string name)
    {
        foreach (var h in Headers)
        {
            if (h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) return h.Value;
        }
        return null;
    }
}
