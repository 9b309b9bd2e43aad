using RogerRat.Core;
using RogerRat.Http.Api;
using RogerRat.Mcp;

namespace RogerRat.Extensions.Hosting;

/// <summary>
/// How <see cref="RogerRatServiceCollectionExtensions.AddRogerRatHub(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{RogerRatHubOptions}?)"/>
/// runs the hub. The common settings are here (and in the <c>RogerRat</c> configuration section); everything else the
/// <c>rogerrat</c> binary can set is reachable through <see cref="ConfigureServer"/>.
/// </summary>
public sealed class RogerRatHubOptions
{
    /// <summary>
    /// The address the hub listens on: an IP address (IPv6 with or without brackets), <c>localhost</c> for loopback, or
    /// <c>*</c> for every IPv4 interface. Default <c>127.0.0.1</c>: reachable from this machine only.
    /// </summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>
    /// The TCP port, 0–65535; 0 picks a free one (read it from <see cref="RogerRatHub.LocalEndPoint"/> once the host has
    /// started). Default 7424, the <c>rogerrat</c> binary's. Must differ from Kestrel's when both run in one app.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside 0–65535.</exception>
    public int Port
    {
        get;
        set => field = value is >= 0 and <= 65535 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a port is 0-65535");
    } = 7424;

    /// <summary>
    /// The public origin agents are told to use (links in join answers, <c>/llms.txt</c>), such as
    /// <c>https://hub.example.com</c> behind a TLS proxy. Null (the default): <c>http://&lt;address&gt;:&lt;port&gt;</c> of the bound socket.
    /// </summary>
    public string? Origin { get; set; }

    /// <summary>When set, every call must present it (<c>X-RogerRat-Token</c>, or Bearer on <c>/mcp</c>). Default null: no hub token.</summary>
    public string? HubToken { get; set; }

    /// <summary>When set, enables the admin dashboard and admin API for Bearer holders of this token. Default null: admin off.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Mounts the MCP endpoints (<c>/mcp</c>) beside REST. Default true.</summary>
    public bool EnableMcp { get; set; } = true;

    /// <summary>The engine's limits (ring capacity, session TTLs, message sizes, channel counts), each with its documented default.</summary>
    public HubOptions Hub { get; } = new();

    /// <summary>Limits of the MCP endpoints; used when <see cref="EnableMcp"/> is true.</summary>
    public McpHubOptions Mcp { get; } = new();

    /// <summary>
    /// Called last on the server's options before the hub is created, for anything not above: HTTP limits, rate limits,
    /// trusted proxies, webhooks, a durable store (the caller owns and disposes a store, after the host stops).
    /// </summary>
    public Action<HubServerOptions>? ConfigureServer { get; set; }
}
