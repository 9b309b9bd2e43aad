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

/// <summary>A tiny client that answers parsed JSON: in memory over <see cref="RestApi"/>, or over real sockets to a live hub.</summary>
internal sealed class ApiClient
{
    private readonly HttpClient? _http;

    public ApiClient(RestApi api) => Api = api;

    public ApiClient(RestApi api, HttpClient http)
    {
        Api = api;
        _http = http;
    }

    public RestApi Api { get; }

    public bool OverSockets => _http is not null;

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
        if (remote is not null && !remote.Equals(IPAddress.Loopback))
        {
            if (_http is not null) headers["X-Forwarded-For"] = remote.ToString(); // the socket hub trusts its loopback proxy
        }
        var response = _http is null
            ? await Api.HandleAsync(new FakeRequest(method, path, body, headers, remote, aborted))
            : await SendOverSocket(method, path, body, headers, aborted);
        response.Written?.Invoke(written);
        JsonElement json = default;
        if (response.ContentType.StartsWith("application/json", StringComparison.Ordinal) && response.Body.Length > 0)
        {
            json = JsonDocument.Parse(response.Body).RootElement.Clone();
        }
        return new Reply(response.Status, json, response);
    }

    private async Task<ApiResponse> SendOverSocket(string method, string path, string? body, Dictionary<string, string> headers, CancellationToken aborted)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", headers["Content-Type"]);
        }
        foreach (var (k, v) in headers)
        {
            if (k.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) continue;
            if (k.Equals("Host", StringComparison.OrdinalIgnoreCase)) request.Headers.Host = v;
            else request.Headers.TryAddWithoutValidation(k, v);
        }
        using var response = await _http!.SendAsync(request, aborted);
        var bytes = await response.Content.ReadAsByteArrayAsync(aborted);
        var result = new ApiResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", bytes);
        foreach (var h in response.Headers.Concat(response.Content.Headers)) result.Headers.Add(new(h.Key, string.Join(",", h.Value)));
        return result;
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
