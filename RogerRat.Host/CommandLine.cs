namespace RogerRat.Host;

/// <summary>
/// The one reading of a command line both the hub and its receivers use: <c>--flag value</c> or <c>--flag=value</c>,
/// switches without a value, and the same errors for an unknown option or a missing value.
/// </summary>
internal static class CommandLine
{
    /// <summary>Calls <paramref name="onSwitch"/> or <paramref name="onFlag"/> (which may return an error) per argument;
    /// returns the first error, or null.</summary>
    public static string? Read(string[] args, Func<string, bool> isSwitch, Func<string, bool> isFlag, Action<string> onSwitch,
        Func<string, string, string?> onFlag)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (isSwitch(arg))
            {
                onSwitch(arg);
                continue;
            }
            string? value = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                value = arg[(eq + 1)..];
                arg = arg[..eq];
            }
            if (!isFlag(arg)) return $"unknown option '{args[i]}'";
            if (value is null)
            {
                if (i + 1 >= args.Length) return $"option {arg} needs a value";
                value = args[++i];
            }
            if (onFlag(arg, value) is { } error) return error;
        }
        return null;
    }
}
