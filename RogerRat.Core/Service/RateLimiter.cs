using System.Collections.Concurrent;

namespace RogerRat.Core.Service;

/// <summary>One take from a limiter: whether it was allowed and what the client is told (X-RateLimit-*, Retry-After).</summary>
public readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, long ResetUnixSeconds, int RetryAfterSeconds);

/// <summary>
/// Sliding one-minute window per key (reference §12.2), bounded: keys idle for a window are dropped by
/// <see cref="Prune"/>, and past <see cref="MaxKeys"/> new keys share one overflow bucket rather than grow the map.
/// </summary>
internal sealed class RateLimiter(int limit, TimeProvider time)
{
    public const int MaxKeys = 100_000;
    private const long WindowMs = 60_000;
    private readonly ConcurrentDictionary<string, Queue<long>> _buckets = new(StringComparer.Ordinal);

    public int Limit => limit;

    public RateLimitDecision Take(string key)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_buckets.Count >= MaxKeys && !_buckets.ContainsKey(key)) key = "\0overflow";
        var bucket = _buckets.GetOrAdd(key, static _ => new Queue<long>());
        lock (bucket)
        {
            while (bucket.TryPeek(out var oldest) && oldest <= now - WindowMs) bucket.Dequeue();
            if (bucket.Count >= limit)
            {
                var first = bucket.Peek();
                var retry = (int)Math.Ceiling((WindowMs - (now - first)) / 1000.0);
                return new RateLimitDecision(false, limit, 0, CeilSeconds(first + WindowMs), Math.Max(1, retry));
            }
            bucket.Enqueue(now);
            return new RateLimitDecision(true, limit, limit - bucket.Count, CeilSeconds(bucket.Peek() + WindowMs), 0);
        }
    }

    public void Prune()
    {
        var cutoff = time.GetUtcNow().ToUnixTimeMilliseconds() - WindowMs;
        foreach (var (key, bucket) in _buckets)
        {
            lock (bucket)
            {
                if (!bucket.TryPeek(out var last) || bucket.Last() <= cutoff) _buckets.TryRemove(key, out _);
            }
        }
    }

    private static long CeilSeconds(long ms) => (ms + 999) / 1000;
}
