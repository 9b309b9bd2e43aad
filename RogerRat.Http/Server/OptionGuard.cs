using System.Runtime.CompilerServices;

namespace RogerRat.Http.Server;

/// <summary>
/// The one way options validate (KestrelServerLimits' way): each property checks in its setter,
/// <c>set => field = OptionGuard.Positive(value);</c>, so a bad value fails where it is set, as an
/// <see cref="ArgumentOutOfRangeException"/> naming the option (ParamName), carrying the value and saying the accepted
/// range ("must be positive"); the Host reports that message per config key. Core's HubOptions and Mcp's
/// McpEndpointLimits hold the same helpers privately; RestApiOptions should use this class the same way.
/// </summary>
internal static class OptionGuard
{
    public static T InRange<T>(T value, T min, T max, [CallerMemberName] string option = "") where T : struct, IComparable<T> =>
        value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0 ? value : throw new ArgumentOutOfRangeException(option, value, $"must be in {min}..{max}");

    /// <summary>Above zero (<c>default</c>: 0, <see cref="TimeSpan.Zero"/>).</summary>
    public static T Positive<T>(T value, [CallerMemberName] string option = "") where T : struct, IComparable<T> =>
        value.CompareTo(default) > 0 ? value : throw new ArgumentOutOfRangeException(option, value, "must be positive");

    /// <summary>A rate where 0 turns the check off: finite, 0 or more.</summary>
    public static double NonNegative(double value, [CallerMemberName] string option = "") =>
        value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(option, value, "must be a finite number, 0 or more");
}
