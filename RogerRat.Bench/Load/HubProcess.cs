using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RogerRat.Bench.Load;

/// <summary>A hub binary on a free loopback port with the given flags (besides <c>--port</c>), killed on dispose.</summary>
internal sealed class HubProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HubProcess(Process process, IPEndPoint endPoint) => (_process, EndPoint) = (process, endPoint);

    public IPEndPoint EndPoint { get; }

    public int Pid => _process.Id;

    public static async Task<HubProcess> StartAsync(string binary, params IEnumerable<string> flags)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--log-level");
        info.ArgumentList.Add("warning");
        foreach (var flag in flags) info.ArgumentList.Add(flag);
        var process = Process.Start(info) ?? throw new IOException($"could not start {binary}");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"# hub: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var hub = new HubProcess(process, new IPEndPoint(IPAddress.Loopback, port));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode) return hub;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }
        await hub.DisposeAsync();
        throw new IOException($"{binary} did not answer /healthz on port {port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    public static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
