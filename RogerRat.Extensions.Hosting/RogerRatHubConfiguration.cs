using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace RogerRat.Extensions.Hosting;

/// <summary>
/// Reads the <c>RogerRat</c> configuration section by hand: the few keys are plain strings, and a reflection binder
/// would not survive NativeAOT trimming. A malformed value fails the host's start with the key's full path.
/// </summary>
internal static class RogerRatHubConfiguration
{
    /// <summary>The section <see cref="RogerRatServiceCollectionExtensions"/> reads from the app's configuration.</summary>
    public const string SectionName = "RogerRat";

    public static void Bind(IConfigurationSection section, RogerRatHubOptions options)
    {
        if (section[nameof(RogerRatHubOptions.Host)] is { Length: > 0 } host) options.Host = host;
        if (section[nameof(RogerRatHubOptions.Port)] is { Length: > 0 } port)
        {
            options.Port = int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
                ? p
                : throw Invalid(section, nameof(RogerRatHubOptions.Port), port, "a port number 0-65535");
        }
        if (section[nameof(RogerRatHubOptions.Origin)] is { Length: > 0 } origin) options.Origin = origin;
        if (section[nameof(RogerRatHubOptions.HubToken)] is { Length: > 0 } hubToken) options.HubToken = hubToken;
        if (section[nameof(RogerRatHubOptions.AdminToken)] is { Length: > 0 } adminToken) options.AdminToken = adminToken;
        if (section[nameof(RogerRatHubOptions.EnableMcp)] is { Length: > 0 } mcp)
        {
            options.EnableMcp = bool.TryParse(mcp, out var enabled)
                ? enabled
                : throw Invalid(section, nameof(RogerRatHubOptions.EnableMcp), mcp, "true or false");
        }
    }

    private static InvalidOperationException Invalid(IConfigurationSection section, string key, string value, string expected) =>
        new($"configuration {ConfigurationPath.Combine(section.Path, key)} must be {expected}, got '{value}'");
}
