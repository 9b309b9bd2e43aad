using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RogerRat.Http.Api;
using RogerRat.Mcp;

namespace RogerRat.Extensions.Hosting;

/// <summary>
/// The hub as an <see cref="IHostedService"/>: listens when the host starts, and on the host's stop answers parked
/// listens and drains before the host goes on. Resolve it from the service provider to learn where it listens.
/// </summary>
public sealed partial class RogerRatHub : IHostedService, IAsyncDisposable
{
    private readonly RogerRatHubOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private HubServer? _server;
    private Task? _stopped;

    internal RogerRatHub(IOptions<RogerRatHubOptions> options, ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("RogerRat.Extensions.Hosting");
    }

    /// <summary>The running hub: its engine (<see cref="HubServer.Hub"/>), service layer and options.</summary>
    /// <exception cref="InvalidOperationException">The host has not started the hub yet.</exception>
    public HubServer Server => _server ?? throw new InvalidOperationException("the RogerRat hub has not started yet: start the host first");

    /// <summary>The address and port the hub listens on (the chosen port when <see cref="RogerRatHubOptions.Port"/> is 0).</summary>
    /// <exception cref="InvalidOperationException">The host has not started the hub yet.</exception>
    public IPEndPoint LocalEndPoint => Server.LocalEndPoint;

    /// <summary>The origin agents are told to use, such as <c>http://127.0.0.1:7424</c>.</summary>
    /// <exception cref="InvalidOperationException">The host has not started the hub yet.</exception>
    public string Origin => Server.Origin;

    /// <summary>Binds the port and starts serving; a port in use fails the host's start with the socket's error.</summary>
    /// <exception cref="InvalidOperationException">The hub was already started, or <see cref="RogerRatHubOptions.Host"/> is not an address.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var serverOptions = new HubServerOptions
        {
            EndPoint = new IPEndPoint(ParseAddress(_options.Host), _options.Port),
            Hub = _options.Hub,
            LoggerFactory = _loggerFactory,
            Origin = _options.Origin,
        };
        serverOptions.Service.HubToken = _options.HubToken;
        serverOptions.Service.AdminToken = _options.AdminToken;
        serverOptions.Service.Version = typeof(HubServer).Assembly.GetName().Version?.ToString(3) ?? serverOptions.Service.Version;
        _options.ConfigureServer?.Invoke(serverOptions);

        var server = HubServer.Create(serverOptions);
        if (_options.EnableMcp) server.AddMcp(_options.Mcp);
        lock (_gate)
        {
            if (_server is not null) throw new InvalidOperationException("the RogerRat hub is already started");
            _server = server;
        }
        await server.StartAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        LogListening(_logger, server.LocalEndPoint, server.Origin);
    }

    /// <summary>
    /// Stops accepting, answers parked listens with an ordinary empty delivery, and drains. If the host's shutdown
    /// timeout fires first the host goes on and the drain finishes in the background (disposal waits for it).
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var stopped = Stop();
        if (stopped is null) return;
        try
        {
            await stopped.WaitAsync(cancellationToken).ConfigureAwait(false);
            LogStopped(_logger);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogStopTimedOut(_logger);
        }
    }

    /// <summary>Stops the hub if the host did not, and waits until it has released its port.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Stop() is { } stopped) await stopped.ConfigureAwait(false);
    }

    // One stop, whoever asks first (the host's StopAsync, then the container's dispose): the server is disposed once.
    private Task? Stop()
    {
        lock (_gate)
        {
            if (_server is null) return null;
            return _stopped ??= _server.DisposeAsync().AsTask();
        }
    }

    private static IPAddress ParseAddress(string host) => host switch
    {
        "localhost" => IPAddress.Loopback,
        "*" => IPAddress.Any,
        _ => IPAddress.TryParse(host.Trim('[', ']'), out var address)
            ? address
            : throw new InvalidOperationException($"RogerRat Host must be an IP address, localhost or *, got '{host}'"),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "RogerRat hub listening on {EndPoint}, origin {Origin}")]
    private static partial void LogListening(ILogger logger, IPEndPoint endPoint, string origin);

    [LoggerMessage(Level = LogLevel.Information, Message = "RogerRat hub stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RogerRat hub still draining when the host's shutdown timeout passed; it finishes in the background")]
    private static partial void LogStopTimedOut(ILogger logger);
}
