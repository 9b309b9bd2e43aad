using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RogerRat.Tests.Redis;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port with its own temp dir (AOF on, <c>appendfsync always</c>), never a
/// mock. <see cref="StopAsync"/> and <see cref="StartAsync()"/> stop and restart it on the same port and data, for fault
/// tests. CI installs Debian's redis-server and sets <c>ROGERRAT_REQUIRE_REDIS=1</c>, so a missing server fails there;
/// on a machine without one the Redis tests are skipped (<see cref="RedisFactAttribute"/>), and say so.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rr-redis-").FullName;
    private Process? _process;

    public int Port { get; } = FreePort();

    public string Configuration => $"127.0.0.1:{Port}";

    public static string? Binary { get; } = Find();

    public static async Task<RedisServer> StartNewAsync()
    {
        var server = new RedisServer();
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        if (Binary is null) throw new InvalidOperationException("redis-server is not installed (Debian: apt-get install redis-server)");
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--dir", _dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no" })
            info.ArgumentList.Add(a);
        _process = Process.Start(info)!;
        // A test host that ends without disposing (a crash, an aborted run) must not leave servers behind.
        var process = _process;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { if (!process.HasExited) process.Kill(); } catch (InvalidOperationException) { }
        };
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await PingAsync()) return;
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}");
            await Task.Delay(20);
        }
        throw new TimeoutException($"redis-server did not answer PING on port {Port}");
    }

    /// <summary>Stops the server (SIGKILL: what a crash or a pulled cable looks like to its clients).</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Port));
            await s.SendAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var n = await s.ReceiveAsync(buffer);
            return n >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/usr/sbin"))
        {
            var path = Path.Combine(dir, "redis-server");
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}

/// <summary>A fact that needs a real redis-server: skipped (with the reason) where none is installed, unless
/// <c>ROGERRAT_REQUIRE_REDIS=1</c> (CI), where a missing server fails the test instead.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.Binary is null && Environment.GetEnvironmentVariable("ROGERRAT_REQUIRE_REDIS") != "1")
            Skip = "redis-server is not installed (apt-get install redis-server); CI runs these with ROGERRAT_REQUIRE_REDIS=1";
    }
}
