using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RogerRat.Extensions.Hosting;

namespace RogerRat.Tests.Hosting;

/// <summary>RogerRat.Extensions.Hosting in a real generic host: start, configuration, logging, graceful stop.</summary>
public class HostedHubTests
{
    [Fact]
    public async Task The_host_starts_the_hub_on_the_configured_port_and_it_answers_healthz()
    {
        var port = FreePort();
        using var host = Build(b => b.Services.AddRogerRatHub(o => o.Port = port));
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<RogerRatHub>().Server);

        await host.StartAsync();
        var hub = host.Services.GetRequiredService<RogerRatHub>();
        Assert.Equal(port, hub.LocalEndPoint.Port);
        Assert.Equal($"http://127.0.0.1:{port}", hub.Origin);
        using var http = new HttpClient();
        var health = await http.GetAsync($"http://127.0.0.1:{port}/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_RogerRat_configuration_section_sets_port_token_and_mcp_then_code_runs_after_it()
    {
        var port = FreePort();
        using var host = Build(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["RogerRat:Host"] = "localhost",
                ["RogerRat:Port"] = "1",
                ["RogerRat:HubToken"] = "s3cret-hub",
                ["RogerRat:EnableMcp"] = "false",
                ["RogerRat:Origin"] = "https://hub.example.test/",
            });
            // Code runs after the section: the port from code wins, the rest comes from configuration.
            b.Services.AddRogerRatHub(b.Configuration, o => o.Port = port);
        });
        await host.StartAsync();
        var hub = host.Services.GetRequiredService<RogerRatHub>();
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), hub.LocalEndPoint);
        Assert.Equal("https://hub.example.test", hub.Origin);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var refused = await http.PostAsync("/api/channels", Json("""{"retention":"none"}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using var withToken = new HttpRequestMessage(HttpMethod.Post, "/api/channels") { Content = Json("""{"retention":"none"}""") };
        withToken.Headers.Add("X-RogerRat-Token", "s3cret-hub");
        Assert.True((await http.SendAsync(withToken)).IsSuccessStatusCode);
        using var mcp = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = Json("{}") };
        mcp.Headers.Add("X-RogerRat-Token", "s3cret-hub");
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(mcp)).StatusCode);
        await host.StopAsync();
    }

    [Fact]
    public async Task Mcp_is_mounted_by_default()
    {
        using var host = Build(b => b.Services.AddRogerRatHub(o => o.Port = 0));
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(host.Services.GetRequiredService<RogerRatHub>().Origin) };
        using var ping = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = Json("""{"jsonrpc":"2.0","id":1,"method":"ping"}""") };
        ping.Headers.Accept.ParseAdd("application/json, text/event-stream");
        Assert.NotEqual(HttpStatusCode.NotFound, (await http.SendAsync(ping)).StatusCode);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Port", "seventy", "RogerRat:Port")]
    [InlineData("Port", "70000", "RogerRat:Port")]
    [InlineData("EnableMcp", "yes please", "RogerRat:EnableMcp")]
    public async Task A_malformed_configuration_value_fails_the_start_naming_its_key(string key, string value, string path)
    {
        using var host = Build(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["RogerRat:" + key] = value });
            b.Services.AddRogerRatHub(b.Configuration);
        });
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_that_is_not_an_address_fails_the_start()
    {
        using var host = Build(b => b.Services.AddRogerRatHub(o => o.Host = "hub.example.test"));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("hub.example.test", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hub_logs_through_the_apps_logger_factory()
    {
        var sink = new ListLoggerProvider();
        using var host = Build(b =>
        {
            b.Logging.AddProvider(sink);
            b.Services.AddRogerRatHub(o => o.Port = 0);
        });
        await host.StartAsync();
        var origin = host.Services.GetRequiredService<RogerRatHub>().Origin;
        using var http = new HttpClient { BaseAddress = new Uri(origin) };
        Assert.True((await http.PostAsync("/api/channels", Json("""{"retention":"none"}"""))).IsSuccessStatusCode);
        await host.StopAsync();

        Assert.Contains(sink.Lines, l => l.Category == "RogerRat.Extensions.Hosting" && l.Message.Contains(origin, StringComparison.Ordinal));
        Assert.Contains(sink.Lines, l => l.Category == "RogerRat.Hub" && l.Message.Contains("created", StringComparison.Ordinal));
        Assert.Contains(sink.Lines, l => l.Category == "RogerRat.Extensions.Hosting" && l.Message.Contains("stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopping_the_host_answers_a_parked_listen_and_releases_the_port()
    {
        using var host = Build(b => b.Services.AddRogerRatHub(o => o.Port = 0));
        await host.StartAsync();
        var port = host.Services.GetRequiredService<RogerRatHub>().LocalEndPoint.Port;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var created = await ReadJson(await http.PostAsync("/api/channels", Json("""{"retention":"none"}""")));
        var channel = created.GetProperty("channel_id").GetString();
        http.DefaultRequestHeaders.Authorization = new("Bearer", created.GetProperty("join_token").GetString());
        var joined = await ReadJson(await http.PostAsync($"/api/channels/{channel}/join", Json("""{"callsign":"alpha"}""")));
        using var listen = new HttpRequestMessage(HttpMethod.Get, $"/api/channels/{channel}/listen?timeout=50");
        listen.Headers.Add("X-Session-Id", joined.GetProperty("session_id").GetString());
        var parked = http.SendAsync(listen);
        await Task.Delay(200);
        Assert.False(parked.IsCompleted);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await host.StopAsync();
        var answer = await parked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"stop took {stopping.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(0, (await ReadJson(answer)).GetProperty("messages").GetArrayLength());

        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, port));
        using var rebind = new TcpListener(IPAddress.Loopback, port);
        rebind.Start(); // the hub's listening socket is closed: the port is free again
        rebind.Stop();
    }

    [Fact]
    public async Task Adding_the_hub_twice_configures_one_hub()
    {
        var port = FreePort();
        using var host = Build(b => b.Services.AddRogerRatHub(o => o.Port = 1).AddRogerRatHub(o => o.Port = port));
        Assert.Single(host.Services.GetServices<IHostedService>().OfType<RogerRatHub>());
        await host.StartAsync();
        Assert.Equal(port, host.Services.GetRequiredService<RogerRatHub>().LocalEndPoint.Port);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_port_in_use_fails_the_start_with_the_socket_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var host = Build(b => b.Services.AddRogerRatHub(o => o.Port = port));
        await Assert.ThrowsAnyAsync<SocketException>(() => host.StartAsync());
    }

    [Fact]
    public void An_out_of_range_port_is_refused_in_code()
    {
        var options = new RogerRatHubOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Port = 65536);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.Port = -1);
        Assert.Equal(7424, options.Port);
    }

    [Fact]
    public void The_package_needs_no_heavier_hosting_assembly_than_the_abstractions()
    {
        var refs = typeof(RogerRatHub).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Contains("Microsoft.Extensions.Hosting.Abstractions", refs);
        Assert.DoesNotContain(refs, n => n is "Microsoft.Extensions.Hosting" or "Microsoft.Extensions.Configuration.Binder"
            or "Microsoft.Extensions.Configuration" or "Microsoft.Extensions.DependencyInjection" or "Microsoft.AspNetCore.Hosting");
    }

    internal static IHost Build(Action<HostApplicationBuilder> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure(builder);
        return builder.Build();
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    internal static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadJson(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, string Message)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

        public void Dispose() { }

        private sealed class ListLogger(ListLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                provider.Lines.Enqueue((category, formatter(state, exception)));
        }
    }
}
