using System.Runtime.CompilerServices;

namespace RogerRat.Core;

/// <summary>
/// The one way options validate (KestrelServerLimits' way): each property checks in its setter,
/// <c>set => field = OptionGuard.Positive(value);</c>, so a bad value fails where it is set, as an
/// <see cref="ArgumentOutOfRangeException"/> naming the option, carrying the value and saying the accepted range; the
/// host reports that message per config key. Core, the service layer and MCP use this class; RogerRat.Http's server
/// keeps a copy because it may not reference Core.
/// </summary>
internal static class OptionGuard
{
    /// <summary>Within <paramref name="min"/>..<paramref name="max"/>, both inclusive.</summary>
    public static T InRange<T>(T value, T min, T max, [CallerMemberName] string option = "") where T : struct, IComparable<T> =>
        value.CompareTo(min) >= 0 && value.CompareTo(max) <= 0 ? value : throw new ArgumentOutOfRangeException(option, value, $"must be in {min}..{max}");

    /// <summary>Above zero (<c>default</c>: 0, <see cref="TimeSpan.Zero"/>).</summary>
    public static T Positive<T>(T value, [CallerMemberName] string option = "") where T : struct, IComparable<T> =>
        value.CompareTo(default) > 0 ? value : throw new ArgumentOutOfRangeException(option, value, "must be positive");

    /// <summary>Zero or above.</summary>
    public static T NonNegative<T>(T value, [CallerMemberName] string option = "") where T : struct, IComparable<T> =>
        value.CompareTo(default) >= 0 ? value : throw new ArgumentOutOfRangeException(option, value, "must not be negative");

    /// <summary>A number of seconds: finite and above zero.</summary>
    public static double PositiveSeconds(double value, [CallerMemberName] string option = "") =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(option, value, "must be a finite number above 0");
}
