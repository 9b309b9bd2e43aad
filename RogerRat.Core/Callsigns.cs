namespace RogerRat.Core;

/// <summary>Callsign rules (reference §1.3) and address resolution helpers.</summary>
public static class Callsigns
{
    /// <summary>The broadcast address.</summary>
    public const string All = "all";

    /// <summary>Trims and lower-cases, then checks <c>^[a-z0-9][a-z0-9_-]{0,31}$</c> and the reserved <c>all</c>.</summary>
    public static string Normalize(string? raw)
    {
        var trimmed = (raw ?? "").Trim();
        if (trimmed.Length == 0) throw new HubException(HubErrors.CallsignRequired);
        var value = trimmed.ToLowerInvariant();
        if (!IsWellFormed(value)) throw new HubException(HubErrors.CallsignMalformed);
        if (value == All) throw new HubException(HubErrors.CallsignReserved);
        return value;
    }

    /// <summary>True for a normalised callsign of the allowed shape (reserved names not checked).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> value)
    {
        if (value.Length is < 1 or > 32) return false;
        if (!IsLowerAlnum(value[0])) return false;
        foreach (var c in value[1..])
        {
            if (!IsLowerAlnum(c) && c != '_' && c != '-') return false;
        }
        return true;
    }

    private static bool IsLowerAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
