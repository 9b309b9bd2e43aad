namespace RogerRat.Mcp;

/// <summary>The DNS-rebinding guard of the MCP spec, for any server built on RogerRat.Mcp.</summary>
internal static class McpOrigins
{
    /// <summary>True when there is no Origin, or it is <paramref name="own"/>, a loopback origin, or listed in <paramref name="allowed"/>.</summary>
    public static bool IsAllowed(string? origin, string own, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrEmpty(origin)) return true;
        var o = origin.TrimEnd('/');
        if (o.Equals(own, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var a in allowed)
        {
            if (o.Equals(a, StringComparison.OrdinalIgnoreCase)) return true;
        }
        if (!Uri.TryCreate(o, UriKind.Absolute, out var uri)) return false;
        return uri.IsLoopback;
    }
}
