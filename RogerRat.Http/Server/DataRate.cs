namespace RogerRat.Http.Server;

/// <summary>The minimum-data-rate rule shared by request bodies and responses (Kestrel's): after a grace period,
/// <c>bytes</c> may take no longer than <c>bytes / rate</c> seconds from the start.</summary>
internal static class DataRate
{
    // Far enough to mean "never" for any real transfer, near enough for a timer.
    private static readonly double Longest = TimeSpan.FromDays(1).TotalSeconds;

    /// <summary>Seconds from the start by which <paramref name="bytes"/> must have moved.</summary>
    public static double Deadline(TimeSpan grace, long bytes, double bytesPerSecond) =>
        Math.Min(Math.Max(grace.TotalSeconds, bytes / bytesPerSecond), Longest);
}
