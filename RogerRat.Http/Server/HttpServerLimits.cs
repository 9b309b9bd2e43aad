namespace RogerRat.Http.Server;

/// <summary>
/// Limits of the HTTP/1.1 server; defaults anchored on Kestrel's (KestrelServerLimits) unless said otherwise.
/// Every rejection is a complete response with <c>Connection: close</c>.
/// </summary>
public sealed class HttpServerLimits
{
    /// <summary>Longest request line (Kestrel: MaxRequestLineSize 8 KiB); over it is 414.</summary>
    public int MaxRequestLineSize { get; set => field = OptionGuard.Positive(value); } = 8 * 1024;

    /// <summary>Largest header block (Kestrel: MaxRequestHeadersTotalSize 32 KiB); over it is 431. It bounds a chunked
    /// body's trailer section too.</summary>
    public int MaxRequestHeadersTotalSize { get; set => field = OptionGuard.Positive(value); } = 32 * 1024;

    /// <summary>Most header fields (Kestrel: MaxRequestHeaderCount 100); over it is 431.</summary>
    public int MaxRequestHeaderCount { get; set => field = OptionGuard.Positive(value); } = 100;

    /// <summary>Longest chunk-size line of a chunked body, extensions included (Kestrel has no option; ours 1 KiB, as
    /// no client needs long extensions); over it is 400.</summary>
    public int MaxChunkSizeLineLength { get; set => field = OptionGuard.Positive(value); } = 1024;

    /// <summary>Largest request body (Kestrel: 30 MB; ours 1 MiB, PROTOCOL §2.5: attachments fit; at most
    /// <see cref="Array.MaxLength"/>, bodies are held whole); over it is 413.</summary>
    public long MaxRequestBodySize { get; set => field = OptionGuard.InRange(value, 1, Array.MaxLength); } = 1024 * 1024;

    /// <summary>Time to receive the request line and headers (Kestrel: RequestHeadersTimeout 30 s); then 408 and close.</summary>
    public TimeSpan RequestHeadersTimeout { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(30);

    /// <summary>Idle time between requests on a kept-alive connection (Kestrel: KeepAliveTimeout 130 s); then close.</summary>
    public TimeSpan KeepAliveTimeout { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(130);

    /// <summary>Slowest accepted body upload, in bytes/s averaged from the start of the body, checked once
    /// <see cref="MinRequestBodyDataRateGracePeriod"/> has passed (Kestrel: MinRequestBodyDataRate 240 B/s, 5 s grace);
    /// slower is 408 and close. 0 turns the check off.</summary>
    public double MinRequestBodyDataRate { get; set => field = OptionGuard.NonNegative(value); } = 240;

    /// <inheritdoc cref="MinRequestBodyDataRate"/>
    public TimeSpan MinRequestBodyDataRateGracePeriod { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(5);

    /// <summary>Slowest accepted response download, in bytes/s: a send that has not finished after the larger of
    /// <see cref="MinResponseDataRateGracePeriod"/> and its bytes divided by this rate closes the connection, and the
    /// response counts as not delivered (Kestrel: MinResponseDataRate 240 B/s, 5 s grace). It frees a connection whose
    /// client stopped reading. 0 turns the check off.</summary>
    public double MinResponseDataRate { get; set => field = OptionGuard.NonNegative(value); } = 240;

    /// <inheritdoc cref="MinResponseDataRate"/>
    public TimeSpan MinResponseDataRateGracePeriod { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(5);

    /// <summary>Open connections at once (Kestrel: unlimited by default; ours bounds memory); past it new ones get 503.</summary>
    public int MaxConcurrentConnections { get; set => field = OptionGuard.Positive(value); } = 10_000;

    /// <summary>How long graceful shutdown waits for in-flight responses before closing connections.</summary>
    public TimeSpan ShutdownDrainTimeout { get; set => field = OptionGuard.Positive(value); } = TimeSpan.FromSeconds(10);
}
