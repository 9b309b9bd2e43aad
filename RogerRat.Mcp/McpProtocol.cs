namespace RogerRat.Mcp;

/// <summary>Protocol versions we speak (Streamable HTTP), oldest first.</summary>
internal static class McpProtocol
{
    public const string V20250326 = "2025-03-26";
    public const string V20250618 = "2025-06-18";
    public const string V20251125 = "2025-11-25";
    public const string Latest = V20251125;

    public static readonly string[] Supported = [V20250326, V20250618, V20251125];

    public static bool IsSupported(string? v) => v is not null && Array.IndexOf(Supported, v) >= 0;

    /// <summary>The client's version if we speak it, else our latest (the client then decides).</summary>
    public static string Negotiate(string? requested) => IsSupported(requested) ? requested! : Latest;

    /// <summary>JSON-RPC batches exist only in 2025-03-26.</summary>
    public static bool AllowsBatches(string version) => version == V20250326;
}
