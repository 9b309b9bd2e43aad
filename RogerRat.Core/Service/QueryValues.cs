using System.Globalization;

namespace RogerRat.Core.Service;

/// <summary>
/// The numeric inputs of listen, wait and history, read the same from a query string (REST) and from tool arguments
/// (MCP, where a number arrives as its JSON text): a cursor is an integer, a timeout a finite number of seconds.
/// </summary>
internal static class QueryValues
{
    /// <summary>A <c>since</c> cursor: an integer (negative reads as 0; empty as 0); anything else, or past
    /// <see cref="long.MaxValue"/>, is refused.</summary>
    public static long? Since(string? raw)
    {
        if (raw is null) return null;
        if (raw.Length == 0) return 0;
        var digits = raw.AsSpan();
        var negative = digits[0] == '-';
        if (negative || digits[0] == '+') digits = digits[1..];
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9')) throw new HubException(HubErrors.SinceNotNumeric);
        if (negative) return 0;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var since)
            ? since
            : throw new HubException(HubErrors.SinceOutOfRange);
    }

    /// <summary>A timeout in seconds, clamped to 1..<paramref name="max"/>; <paramref name="fallback"/> (clamped too) when absent.</summary>
    public static double Seconds(string? raw, double fallback, double max)
    {
        if (string.IsNullOrEmpty(raw)) return Math.Clamp(fallback, 1, max);
        if (!TryParseFinite(raw, out var seconds)) throw new HubException(HubErrors.TimeoutNotNumeric);
        return Math.Clamp(seconds, 1, max);
    }

    /// <summary>A history count (or transcript limit), floored and clamped to 1..<paramref name="max"/>; <paramref name="fallback"/>
    /// when absent; a non-number is <paramref name="notNumeric"/> (default: history's <c>n must be a number</c>).</summary>
    public static int Count(string? raw, int fallback, int max, HubError? notNumeric = null)
    {
        if (string.IsNullOrEmpty(raw)) return Math.Clamp(fallback, 1, max);
        if (!TryParseFinite(raw, out var n)) throw new HubException(notNumeric ?? HubErrors.HistoryCountNotNumeric);
        return (int)Math.Clamp(Math.Floor(n), 1, max);
    }

    // double.TryParse takes trailing NULs ("1%00") for white space; a value with one is no number.
    private static bool TryParseFinite(string raw, out double value) =>
        double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
        && double.IsFinite(value) && !raw.Contains('\0', StringComparison.Ordinal);
}
