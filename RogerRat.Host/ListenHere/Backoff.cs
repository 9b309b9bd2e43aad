namespace RogerRat.Host.ListenHere;

/// <summary>The reconnect delay: <c>first</c>, times 3 per failure, at most 60 s, and back to <c>first</c> after a
/// healthy answer (the reference never reset it, so after three drops every reconnect waited a minute).</summary>
internal sealed class Backoff(int firstMs)
{
    public const int MaxMs = 60_000;
    private readonly int _first = firstMs;
    private int _next = firstMs;

    /// <summary>The delay to wait now; the following one is three times longer, up to <see cref="MaxMs"/>.</summary>
    public int Next()
    {
        var now = _next;
        _next = (int)Math.Min((long)_next * 3, MaxMs);
        return now;
    }

    public void Reset() => _next = _first;
}
