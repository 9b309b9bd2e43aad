using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Api;
using RogerRat.Mcp;
using RogerRat.Storage;

namespace RogerRat.Host;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        // The bundled receivers are subcommands: they take their own flags, not the hub's.
        if (args.Length > 0 && args[0] == "listen-here") return await ListenHere.ListenHereCommand.MainAsync(args[1..]);
        if (args.Length > 0 && args[0] == "receive-recipe") return ListenHere.ReceiveRecipe.Run(args[1..], Console.Out, Console.Error);
        var (options, error) = HostOptions.Parse(args, Environment.GetEnvironmentVariable);
        if (error is not null)
        {
            Console.Error.WriteLine($"rogerrat: {error}");
            Console.Error.WriteLine();
            Console.Error.WriteLine(HostOptions.Usage);
            return 2;
        }
        if (options!.Help)
        {
            Console.WriteLine(HostOptions.Usage);
            if (options.HelpAll) Console.WriteLine(HostConfig.Help());
            return 0;
        }
        var serverOptions = new HubServerOptions();
        var configError = HostConfig.Load(options.ConfigPath, options.LimitFlags, serverOptions.Http, out var config);
        if (configError is not null)
        {
            Console.Error.WriteLine($"rogerrat: {configError}");
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(b => b
            .SetMinimumLevel(ParseLevel(options.LogLevel))
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            }));
        var logger = loggerFactory.CreateLogger("rogerrat");

        IPAddress address;
        try
        {
            address = options.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host.Trim('[', ']'));
        }
        catch (FormatException)
        {
            Console.Error.WriteLine($"rogerrat: --host must be an IP address or localhost, got '{options.Host}'");
            return 2;
        }

        serverOptions.EndPoint = new IPEndPoint(address, options.Port);
        serverOptions.LoggerFactory = loggerFactory;
        serverOptions.Origin = options.Origin;
        serverOptions.Hub = config.Hub;
        serverOptions.Service = config.Api;
        config.Api.HubToken = options.Token;
        config.Api.AdminToken = options.AdminToken;
        config.Api.Version = typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";
        // A loopback hub behind a trusted proxy serves whoever reaches the proxy, so it gets the public limits too.
        var publicTraffic = !HostOptions.IsLoopback(options.Host) || options.TrustedProxies.Count > 0;
        config.Api.RateLimits = HostConfig.RateLimits(config, publicTraffic ? RateLimits.Public : RateLimits.None);
        serverOptions.TrustedProxies.AddRange(options.TrustedProxies);
        serverOptions.Webhooks.AllowPrivateAddresses = options.AllowPrivateWebhooks;
        var openFiles = OpenFileLimit.RaiseToHard();
        if (openFiles is { } soft)
        {
            var limits = serverOptions.Http.Limits;
            var fit = OpenFileLimit.ConnectionsThatFit(soft, OpenFileLimit.InUse(), limits.MaxConcurrentConnections);
            if (fit < limits.MaxConcurrentConnections)
            {
                logger.LogWarning("open-file limit is {Limit}: at most {Connections} concurrent connections (raise it with ulimit -n for more)", soft, fit);
                limits.MaxConcurrentConnections = fit;
            }
        }

        using var store = OpenStore(options, config, loggerFactory, out var storeError);
        if (storeError is not null)
        {
            Console.Error.WriteLine($"rogerrat: {storeError}");
            return 3;
        }
        await using var shared = await OpenSharedStoreAsync(options, config, loggerFactory, serverOptions.Time);
        if (options.Redis is not null && shared is null) return 3;
        serverOptions.Store = (RogerRat.Core.Storage.IHubStore?)store ?? shared;
        await using var transcripts = OpenTranscripts(options, config, loggerFactory, out var transcriptsError);
        if (transcriptsError is not null)
        {
            Console.Error.WriteLine($"rogerrat: {transcriptsError}");
            return 3;
        }
        serverOptions.Transcripts = transcripts;

        HubServer server;
        try
        {
            server = HubServer.Create(serverOptions);
            config.Mcp.AllowedOrigins.AddRange(options.AllowedOrigins);
            server.AddMcp(config.Mcp);
            await server.StartAsync();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            Console.Error.WriteLine($"rogerrat: cannot listen on {options.Host}:{options.Port}: {e.Message}");
            return 1;
        }

        PrintBanner(server, options);
        logger.LogInformation("listening on {EndPoint}, origin {Origin}", server.LocalEndPoint, server.Origin);
        if (store is not null) logger.LogInformation("state in {DataDir}, fsync {Fsync}", store.DataDirectory, options.Fsync.ToString().ToLowerInvariant());
        if (shared is not null) logger.LogInformation("channels in Redis, shared with every hub on it (hub id {HubId})", shared.HubId);
        if (transcripts is not null) logger.LogInformation("transcripts in {Directory}", transcripts.Directory);
        else logger.LogInformation("transcripts in memory ({Events} events per channel, lost at exit)", config.Api.TranscriptEventsInMemory);

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.TrySetResult();
        });
        await stop.Task;
        logger.LogInformation("shutting down: answering parked listens and draining");
        await server.DisposeAsync();
        logger.LogInformation("stopped");
        return 0;
    }

    // The data dir, recovered and locked; a locked, unreadable or corrupt one stops startup (exit 3) and is left as it is.
    private static LogHubStore? OpenStore(HostOptions options, ConfigTargets config, ILoggerFactory loggerFactory, out string? error)
    {
        error = null;
        if (options.DataDir is null) return null;
        try
        {
            return LogHubStore.Open(new LogStoreOptions
            {
                DataDirectory = options.DataDir,
                Fsync = options.Fsync,
                MaxIdempotencyKeysPerChannel = config.Hub.MaxIdempotencyKeysPerChannel,
            }, loggerFactory.CreateLogger("RogerRat.Storage"));
        }
        catch (CorruptDataException e)
        {
            error = $"{e.Message}. Startup stopped and nothing was changed: restore the file from a backup, or move the data dir away to start empty.";
        }
        catch (DataDirectoryLockedException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot use data dir {options.DataDir}: {e.Message}";
        }
        return null;
    }

    // Redis that cannot be reached stops startup (exit 3): an operator would otherwise only learn it from the first 503.
    private static async Task<RogerRat.Redis.RedisHubStore?> OpenSharedStoreAsync(HostOptions options, ConfigTargets config,
        ILoggerFactory loggerFactory, TimeProvider time)
    {
        if (options.Redis is null) return null;
        config.Redis.Configuration = options.Redis;
        try
        {
            return await RogerRat.Redis.RedisHubStore.ConnectAsync(config.Redis, config.Hub, loggerFactory.CreateLogger("RogerRat.Redis"), time);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"rogerrat: {e.Message}");
        }
        catch (HubException e)
        {
            Console.Error.WriteLine($"rogerrat: cannot reach Redis ({e.Error.Hint ?? e.Message}); check --redis / ROGERRAT_REDIS");
        }
        return null;
    }

    // With a data dir, transcripts are JSONL files beside the log (ROGERRAT_TRANSCRIPTS moves them, as in the original);
    // the data dir's lock covers them. Without one they stay in memory (the server's default store).
    private static RogerRat.Storage.Transcripts.JsonlTranscriptStore? OpenTranscripts(HostOptions options, ConfigTargets config,
        ILoggerFactory loggerFactory, out string? error)
    {
        error = null;
        if (options.DataDir is null) return null;
        var directory = Environment.GetEnvironmentVariable("ROGERRAT_TRANSCRIPTS") is { Length: > 0 } env ? env : Path.Combine(options.DataDir, "transcripts");
        config.Transcripts.Directory = directory;
        try
        {
            return new RogerRat.Storage.Transcripts.JsonlTranscriptStore(config.Transcripts, loggerFactory.CreateLogger("RogerRat.Transcripts"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot use the transcripts directory {directory}: {e.Message}";
            return null;
        }
    }

    private static void PrintBanner(HubServer server, HostOptions options)
    {
        var origin = server.Origin;
        var auth = options.Token is null ? "no hub token (loopback only)" : "hub token required (X-RogerRat-Token, or Bearer on /mcp)";
        Console.WriteLine($"""

            RogerRat hub {server.Options.Service.Version}
              listening   http://{server.LocalEndPoint}
              origin      {origin}
              auth        {auth}
              docs        {origin}/llms.txt

            MCP (Claude Code):
              claude mcp add --transport http rogerrat {origin}/mcp{(options.Token is null ? "" : $" --header \"Authorization: Bearer {options.Token}\"")}

            Try it:
              curl -s -X POST {origin}/api/channels -H 'Content-Type: application/json'{(options.Token is null ? "" : $" -H 'X-RogerRat-Token: {options.Token}'")} -d '{"{"}"retention":"none"{"}"}'

            """);
    }

    private static LogLevel ParseLevel(string level) => level switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "warning" or "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => LogLevel.Information,
    };
}
