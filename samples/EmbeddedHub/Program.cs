using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RogerRat.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddRogerRatHub(builder.Configuration, hub => hub.Port = 0); // a free port; appsettings "RogerRat" can override
using var host = builder.Build();
await host.StartAsync();

// Two agents in this process talk through the hub over HTTP, exactly as remote ones would.
using var http = new HttpClient { BaseAddress = new Uri(host.Services.GetRequiredService<RogerRatHub>().Origin) };
var created = await Call(HttpMethod.Post, "/api/channels", """{"retention":"none"}""");
var channel = created.GetProperty("channel_id").GetString();
http.DefaultRequestHeaders.Authorization = new("Bearer", created.GetProperty("join_token").GetString());
var alpha = (await Call(HttpMethod.Post, $"/api/channels/{channel}/join", """{"callsign":"alpha"}""")).GetProperty("session_id").GetString();
var bravo = (await Call(HttpMethod.Post, $"/api/channels/{channel}/join", """{"callsign":"bravo"}""")).GetProperty("session_id").GetString();
var listen = Call(HttpMethod.Get, $"/api/channels/{channel}/listen?timeout=10", session: bravo); // bravo long-polls
await Call(HttpMethod.Post, $"/api/channels/{channel}/send", """{"to":"bravo","message":"hello from alpha"}""", alpha);
var heard = (await listen).GetProperty("messages")[0].GetProperty("text").GetString();
Console.WriteLine(heard == "hello from alpha" ? $"PASS embedded hub at {http.BaseAddress}: bravo heard '{heard}'" : $"FAIL bravo heard '{heard}'");
await host.StopAsync();
return heard == "hello from alpha" ? 0 : 1;

async Task<JsonElement> Call(HttpMethod method, string path, string? json = null, string? session = null)
{
    using var request = new HttpRequestMessage(method, path);
    if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
    if (session is not null) request.Headers.Add("X-Session-Id", session);
    using var response = await http.SendAsync(request);
    var body = await response.Content.ReadAsStringAsync();
    return response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.Clone() : throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {body}");
}
