using System.Net;
using System.Text;
using System.Text.Json;

namespace RogerRat.Tests.Api;

/// <summary>A tiny client for a live hub over real sockets that answers parsed JSON.</summary>
internal sealed class ApiClient(HttpClient http)
{
    /// <summary>One answer: status, content type, headers and body.</summary>
    public sealed record Response(int Status, string ContentType, byte[] Body, List<KeyValuePair<string, string>> Headers);

    public sealed record Reply(int Status, JsonElement Json, Response Raw)
    {
        public string? Header(string name) => Raw.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        public string Text => Encoding.UTF8.GetString(Raw.Body);
    }

    public async Task<Reply> Call(string method, string path, string? body = null, Dictionary<string, string>? headers = null,
        IPAddress? remote = null, CancellationToken aborted = default)
    {
        headers ??= [];
        if (body is not null) headers.TryAdd("Content-Type", "application/json");
        // The hub under test trusts its loopback peer as a proxy: another client address arrives as X-Forwarded-For.
        if (remote is not null && !remote.Equals(IPAddress.Loopback)) headers["X-Forwarded-For"] = remote.ToString();
        var response = await SendOverSocket(method, path, body, headers, aborted);
        JsonElement json = default;
        if (response.ContentType.StartsWith("application/json", StringComparison.Ordinal) && response.Body.Length > 0)
        {
            json = JsonDocument.Parse(response.Body).RootElement.Clone();
        }
        return new Reply(response.Status, json, response);
    }

    private async Task<Response> SendOverSocket(string method, string path, string? body, Dictionary<string, string> headers, CancellationToken aborted)
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
        using var response = await http.SendAsync(request, aborted);
        var bytes = await response.Content.ReadAsByteArrayAsync(aborted);
        var result = new Response((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", bytes, []);
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
