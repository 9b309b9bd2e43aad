using System.Net;
using System.Text;
using System.Text.Json;
using RogerRat.Http.Api;

namespace RogerRat.Tests.Api;

/// <summary>An in-memory request for driving <see cref="RestApi"/> without sockets.</summary>
internal sealed class FakeRequest(string method, string pathAndQuery, string? body = null, Dictionary<string, string>? headers = null,
    IPAddress? remote = null, CancellationToken aborted = default) : IApiRequest
{
    private readonly Dictionary<string, string> _headers = new(headers ?? [], StringComparer.OrdinalIgnoreCase);

    public string Method { get; } = method;
    public string Path { get; } = Uri.UnescapeDataString(pathAndQuery.Split('?')[0]);
    public ReadOnlyMemory<byte> Body { get; } = body is null ? default : Encoding.UTF8.GetBytes(body);
    public IPAddress? RemoteAddress { get; } = remote ?? IPAddress.Loopback;
    public CancellationToken Aborted { get; } = aborted;

    public string? Query(string name)
    {
        var q = pathAndQuery.Contains('?') ? pathAndQuery[(pathAndQuery.IndexOf('?') + 1)..] : "";
        foreach (var part in q.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var key = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]);
            if (key == name) return eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
        }
        return null;
    }

    public string? Header(string name) => _headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>A tiny client over <see cref="RestApi"/> that answers parsed JSON.</summary>
internal sealed class ApiClient(RestApi api)
{
    public RestApi Api { get; } = api;

    public sealed record Reply(int Status, JsonElement Json, ApiResponse Raw)
    {
        public string? Header(string name) => Raw.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        public string Text => Encoding.UTF8.GetString(Raw.Body);
    }

    public async Task<Reply> Call(string method, string path, string? body = null, Dictionary<string, string>? headers = null,
        bool written = true, IPAddress? remote = null, CancellationToken aborted = default)
    {
        headers ??= [];
        if (body is not null) headers.TryAdd("Content-Type", "application/json");
        var response = await Api.HandleAsync(new FakeRequest(method, path, body, headers, remote, aborted));
        response.Written?.Invoke(written);
        JsonElement json = default;
        if (response.ContentType.StartsWith("application/json", StringComparison.Ordinal) && response.Body.Length > 0)
        {
            json = JsonDocument.Parse(response.Body).RootElement.Clone();
        }
        return new Reply(response.Status, json, response);
    }

    public static Dictionary<string, string> Auth(string token, string? sid = null)
    {
        var h = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" };
        if (sid is not null) h["X-Session-Id"] = sid;
        return h;
    }

    public async Task<(string Id, string Token)> Create(string body = """{"retention":"none"}""")
    {
        var r = await Call("POST", "/api/channels", body);
        Assert.Equal(200, r.Status);
        return (r.Json.GetProperty("channel_id").GetString()!, r.Json.GetProperty("join_token").GetString()!);
    }

    public async Task<string> Join(string id, string token, string callsign)
    {
        var r = await Call("POST", $"/api/channels/{id}/join", $$"""{"callsign":"{{callsign}}"}""", Auth(token));
        Assert.Equal(200, r.Status);
        return r.Json.GetProperty("session_id").GetString()!;
    }
}
