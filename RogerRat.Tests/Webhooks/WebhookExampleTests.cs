using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RogerRat.Http.Webhooks;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Webhooks;

/// <summary><c>examples/webhook-receiver.py</c> runs as documented against a live hub.</summary>
public class WebhookExampleTests
{
    [Fact]
    public async Task The_python_receiver_verifies_and_prints_a_delivered_message()
    {
        var script = Example("webhook-receiver.py");
        // The example needs python3; an image without it cannot run this (the other webhook tests still run).
        if (!OnPath("python3")) return;

        const string Secret = "example-secret-0123456789";
        var port = FreePort();
        var start = new ProcessStartInfo("python3", [script, port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
        };
        start.Environment["ROGERRAT_WEBHOOK_SECRET"] = Secret;
        using var python = Process.Start(start)!;
        try
        {
            await using var hub = await LiveHub.StartAsync(o => o.Webhooks = new WebhookOptions
            {
                AllowPrivateAddresses = true,
                FirstRetryDelay = TimeSpan.FromMilliseconds(200),
                BackoffMultiplier = 2,
                Retries = 5, // the receiver may still be starting
            });
            var (id, token) = await hub.CreateChannel();
            var alice = await hub.Join(id, token, "alice");
            var (status, _) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/webhooks",
                $$"""{"url":"http://127.0.0.1:{{port}}/","secret":"{{Secret}}"}""", token);
            Assert.Equal(200, status);
            await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"message":"hello hook"}""", token, alice);

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var line = await python.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            Assert.EndsWith("alice -> all: hello hook", line);
            // The receiver prints before it answers; the hub counts the delivery once the answer is in.
            long delivered = 0;
            for (var i = 0; i < 100 && delivered == 0; i++)
            {
                if (i > 0) await Task.Delay(50);
                var listed = (await hub.Send(HttpMethod.Get, $"/api/channels/{id}/webhooks", token: token)).Json.GetProperty("webhooks")[0];
                Assert.Equal(0, listed.GetProperty("failed_count").GetInt64());
                delivered = listed.GetProperty("delivered_count").GetInt64();
            }
            Assert.Equal(1, delivered);
        }
        finally
        {
            python.Kill();
            await python.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static bool OnPath(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(d => File.Exists(Path.Combine(d, exe)));

    // The example beside the tests' build output's repository, found upwards from it.
    private static string Example(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "examples", name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException("example not found", name);
    }
}
