using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RogerRat.Core;
using RogerRat.Http.Api;
using RogerRat.Mcp;

namespace RogerRat.Tests.Integration;

/// <summary>A whole hub on 127.0.0.1:0 and an HttpClient for it.</summary>
internal sealed class LiveHub : IAsyncDisposable
{
    public HubServer Server { get; }
    public HttpClient Client { get; }
    /// <summary>Where the hub really listens (its public origin may be configured to something else).</summary>
    public string Base => $"http://{Server.LocalEndPoint}";

    private LiveHub(HubServer server)
    {
        Server = server;
        Client = new HttpClient { BaseAddress = new Uri($"http://{server.LocalEndPoint}"), Timeout = TimeSpan.FromSeconds(90) };
    }

    public static async Task<LiveHub> StartAsync(Action<HubServerOptions>? configure = null)
    {
        var options = new HubServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Hub = new HubOptions { OwnerPasswordIterations = 10 } };
        configure?.Invoke(options);
        var server = HubServer.Create(options);
        server.AddMcp();
        await server.StartAsync();
        return new LiveHub(server);
    }

    public async Task<(int Status, JsonElement Json)> Send(HttpMethod method, string path, string? body = null, string? token = null,
        string? sid = null, Dictionary<string, string>? headers = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (sid is not null) request.Headers.Add("X-Session-Id", sid);
        foreach (var (k, v) in headers ?? []) request.Headers.TryAddWithoutValidation(k, v);
        using var response = await Client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var json = text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json"
            ? JsonDocument.Parse(text).RootElement.Clone()
            : default;
        return ((int)response.StatusCode, json);
    }

    public async Task<(string Id, string Token)> CreateChannel()
    {
        var (status, json) = await Send(HttpMethod.Post, "/api/channels", """{"retention":"none"}""");
        Assert.Equal(200, status);
        return (json.GetProperty("channel_id").GetString()!, json.GetProperty("join_token").GetString()!);
    }

    public async Task<string> Join(string id, string token, string callsign)
    {
        var (status, json) = await Send(HttpMethod.Post, $"/api/channels/{id}/join", $$"""{"callsign":"{{callsign}}"}""", token);
        Assert.Equal(200, status);
        return json.GetProperty("session_id").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
