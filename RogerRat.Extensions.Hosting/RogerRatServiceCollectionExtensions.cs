using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace RogerRat.Extensions.Hosting;

/// <summary>Registers a RogerRat hub in an app's services.</summary>
public static class RogerRatServiceCollectionExtensions
{
    /// <summary>
    /// Runs a RogerRat hub as a hosted service, listening on its own port (default <c>127.0.0.1:7424</c>) and logging
    /// through the app's <see cref="ILoggerFactory"/>. Resolve <see cref="RogerRatHub"/> to find it once the host has
    /// started. Calling it again configures the same hub.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Sets the hub's options in code; runs after any configuration binding.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddRogerRatHub(this IServiceCollection services, Action<RogerRatHubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<RogerRatHubOptions>();
        if (configure is not null) options.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(RogerRatHub))) return services;
        services.AddSingleton(sp => new RogerRatHub(
            sp.GetRequiredService<IOptions<RogerRatHubOptions>>(),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.AddHostedService(sp => sp.GetRequiredService<RogerRatHub>());
        return services;
    }

    /// <summary>
    /// Runs a RogerRat hub as a hosted service with its options read from the <c>RogerRat</c> section of
    /// <paramref name="configuration"/> (keys <c>Host</c>, <c>Port</c>, <c>Origin</c>, <c>HubToken</c>, <c>AdminToken</c>,
    /// <c>EnableMcp</c>), then <paramref name="configure"/>. A malformed value fails the host's start naming the key.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configuration">The app's configuration (such as <c>builder.Configuration</c>); its <c>RogerRat</c> section is read.</param>
    /// <param name="configure">Sets the hub's options in code, after the section.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddRogerRatHub(this IServiceCollection services, IConfiguration configuration,
        Action<RogerRatHubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(RogerRatHubConfiguration.SectionName);
        services.AddOptions<RogerRatHubOptions>().Configure(o => RogerRatHubConfiguration.Bind(section, o));
        return services.AddRogerRatHub(configure);
    }
}
