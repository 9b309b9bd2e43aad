using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RogerRat.Http.Server;

/// <summary>
/// A hand-written HTTP/1.1 server: an accept loop on a socket and one <see cref="HttpConnection"/> per client.
/// Graceful stop: stop accepting and mark every response from then on as its connection's last (<c>Connection:
/// close</c>), let the application answer its parked requests, cancel every handler's token so the rest answer too,
/// let in-flight responses drain up to <see cref="HttpServerLimits.ShutdownDrainTimeout"/>, then close what is left.
/// </summary>
internal sealed class HttpServer : IAsyncDisposable
{
    private const string BusyBody = """{"error":"too many connections","code":"capacity_exceeded"}""";

    // Made per refusal for its Date; refusals are rare and cheap next to the connection they turn away.
    private static byte[] BusyResponse() => System.Text.Encoding.ASCII.GetBytes(
        $"HTTP/1.1 503 Service Unavailable\r\nDate: {DateHeader.Value}\r\nServer: rogerrat\r\nContent-Type: application/json\r\nContent-Length: {BusyBody.Length}\r\nConnection: close\r\n\r\n{BusyBody}");

    private readonly HttpServerOptions _options;
    private readonly HttpHandler _handler;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _draining = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, Socket> _connections = new();

    /// <summary>Connections accepted and not yet closed.</summary>
    public int OpenConnections => _connections.Count;
    private Socket? _listener;
    private Task? _acceptLoop;
    private int _stopped;

    public HttpServer(HttpServerOptions options, HttpHandler handler, ILogger? logger = null)
    {
        _options = options;
        _handler = handler;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The bound address (with the real port when 0 was asked).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started");

    public Task StartAsync()
    {
        var listener = new Socket(_options.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (_options.EndPoint.AddressFamily == AddressFamily.InterNetworkV6) listener.DualMode = _options.EndPoint.Address.Equals(IPAddress.IPv6Any);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(_options.EndPoint);
        listener.Listen(_options.Backlog);
        _listener = listener;
        _acceptLoop = Task.Run(AcceptLoopAsync);
        return Task.CompletedTask;
    }

    private static readonly TimeSpan AcceptRetryFirst = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan AcceptRetryMax = TimeSpan.FromSeconds(1);

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        var backoff = TimeSpan.Zero;
        while (!_draining.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_draining.Token).ConfigureAwait(false);
                backoff = TimeSpan.Zero;
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                continue; // the client left before we took it
            }
            catch (SocketException e)
            {
                // Out of file descriptors or buffers: the pending connection stays queued, so retrying at once would
                // spin and flood the log. Wait, longer each time (up to a second), until a connection closes.
                backoff = backoff == TimeSpan.Zero ? AcceptRetryFirst : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, AcceptRetryMax.Ticks));
                _logger.LogWarning("accept failed ({Error}); retrying in {Delay} ms", e.SocketErrorCode, backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, _draining.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            client.NoDelay = true;
            if (_connections.Count >= _options.Limits.MaxConcurrentConnections)
            {
                _options.Rejected?.Invoke(503, "capacity_exceeded");
                _ = RefuseAsync(client);
                continue;
            }
            var connection = new HttpConnection(client, _options.Limits, _handler, _logger, _draining.Token, _stopping.Token, _options.Rejected);
            var task = Task.Run(connection.RunAsync);
            _connections[task] = client;
            _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, Socket>)s!).TryRemove(t, out _), _connections,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static async Task RefuseAsync(Socket client)
    {
        try
        {
            await client.SendAsync(BusyResponse(), SocketFlags.None).ConfigureAwait(false);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Stops accepting, answers parked handlers, drains in-flight responses, then closes everything.</summary>
    /// <param name="drain">How long in-flight responses may take (default <see cref="HttpServerLimits.ShutdownDrainTimeout"/>).</param>
    /// <param name="answerParked">Runs once accepting has stopped and responses close their connections, before the
    /// handlers' tokens are cancelled: the application's chance to answer its parked requests normally (a hub wakes
    /// its listens) rather than as cancelled.</param>
    public async Task StopAsync(TimeSpan? drain = null, Action? answerParked = null)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _draining.Cancel();
        _listener?.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        try
        {
            answerParked?.Invoke();
        }
        catch (Exception e)
        {
            // The stop goes on: handlers are cancelled and connections drained whatever the application's hook did.
            _logger.LogError(e, "answering parked requests at shutdown failed");
        }
        _stopping.Cancel();
        var pending = _connections.Keys.ToArray();
        var all = Task.WhenAll(pending);
        var deadline = Task.Delay(drain ?? _options.Limits.ShutdownDrainTimeout);
        if (await Task.WhenAny(all, deadline).ConfigureAwait(false) != all)
        {
            _logger.LogWarning("{Count} connections still busy at the shutdown deadline; closing them", _connections.Count);
            foreach (var socket in _connections.Values)
            {
                socket.Dispose();
            }
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _draining.Dispose();
        _stopping.Dispose();
    }
}
