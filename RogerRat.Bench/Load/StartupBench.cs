using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RogerRat.Bench.Load;

/// <summary>
/// <c>RogerRat.Bench startup --label L [--runs 20] -- &lt;command…&gt;</c>: scenario (e), start time and idle RSS. Each run
/// execs the command with each <c>{port}</c> replaced by a free loopback port (or <c>--port P</c> appended), then connects and sends <c>GET /healthz</c>
/// in a tight loop until the first 200; exec-to-first-200 is the time from <see cref="Process.Start()"/> to that answer.
/// After the last run's answer it waits a second and reads the process's RSS (the idle figure). Prints TSV rows like the
/// load harness: <c>label startup exec_to_healthz_p50_ms …</c>.
/// </summary>
internal static class StartupBench
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

    public static async Task<int> RunAsync(string[] args)
    {
        var split = Array.IndexOf(args, "--");
        if (split < 0 || split == args.Length - 1)
        {
            Console.Error.WriteLine("usage: startup --label L [--runs 20] -- <command> [args...]   ({port} is replaced, else --port P is appended)");
            return 2;
        }
        var options = args[..split];
        var command = args[(split + 1)..];
        string Arg(string name, string fallback)
        {
            var i = Array.IndexOf(options, name);
            return i >= 0 && i + 1 < options.Length ? options[i + 1] : fallback;
        }
        var label = Arg("--label", Path.GetFileName(command[0]));
        var runs = int.Parse(Arg("--runs", "20"), CultureInfo.InvariantCulture);

        var times = new List<double>(runs);
        long idleKib = 0;
        for (var run = 0; run < runs; run++)
        {
            var port = FreePort();
            var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
            var portText = port.ToString(CultureInfo.InvariantCulture);
            foreach (var a in command[1..]) info.ArgumentList.Add(a.Replace("{port}", portText, StringComparison.Ordinal));
            if (!command.Any(a => a.Contains("{port}", StringComparison.Ordinal)))
            {
                info.ArgumentList.Add("--port");
                info.ArgumentList.Add(portText);
            }
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(info) ?? throw new IOException($"could not start {command[0]}");
            process.OutputDataReceived += static (_, _) => { };
            process.ErrorDataReceived += static (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                while (!await HealthyAsync(port))
                {
                    if (process.HasExited) throw new IOException($"{command[0]} exited with {process.ExitCode} before answering /healthz");
                    if (clock.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"{command[0]} did not answer /healthz in 20 s");
                }
                times.Add(clock.Elapsed.TotalMilliseconds);
                if (run == runs - 1)
                {
                    await Task.Delay(1000);
                    idleKib = Report.RssKib(process.Id);
                }
            }
            finally
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
        }
        times.Sort();
        void Row(string metric, double value) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}\tstartup\t{metric}\t{Math.Round(value, 2)}"));
        Row("exec_to_healthz_p50_ms", times[times.Count / 2]);
        Row("exec_to_healthz_min_ms", times[0]);
        Row("exec_to_healthz_max_ms", times[^1]);
        Row("idle_rss_kib", idleKib);
        return 0;
    }

    // One connect and one request; false while nothing listens yet or the answer is not a 200.
    private static async Task<bool> HealthyAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            await socket.SendAsync(Request);
            var buffer = new byte[64];
            var n = 0;
            while (n < 12)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(n));
                if (read == 0) return false;
                n += read;
            }
            return buffer.AsSpan(0, 12).SequenceEqual("HTTP/1.1 200"u8);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
