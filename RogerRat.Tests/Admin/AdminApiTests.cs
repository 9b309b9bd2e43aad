using System.Net.Http.Headers;
using System.Text.Json;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Admin;

/// <summary>The admin API (reference §9.1) and <c>/metrics</c> over real sockets.</summary>
public sealed class AdminApiTests
{
    private const string AdminToken = "admin-secret-for-tests";

    private static Task<LiveHub> Hub(string? admin = AdminToken) => LiveHub.StartAsync(o => o.Service.AdminToken = admin);

    [Fact]
    public async Task Without_an_admin_token_the_api_is_403_admin_disabled_but_the_page_is_served()
    {
        await using var hub = await Hub(admin: null);
        var (status, json) = await hub.Send(HttpMethod.Get, "/api/admin/channels", token: "anything");
        Assert.Equal(403, status);
        Assert.Equal("admin disabled", json.GetProperty("error").GetString());
        Assert.Equal("admin_disabled", json.GetProperty("code").GetString());
        using var page = await hub.Client.GetAsync("/admin");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.StartsWith("text/html", page.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("rogerthat_admin_token", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("admin-secret-for-test")]
    public async Task A_missing_or_wrong_admin_token_is_401(string? token)
    {
        await using var hub = await Hub();
        var (status, json) = await hub.Send(HttpMethod.Get, "/api/admin/channels", token: token);
        Assert.Equal(401, status);
        Assert.Equal("invalid admin token", json.GetProperty("error").GetString());
        Assert.Equal("unauthorized", json.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_summaries_show_joined_channels_with_roster_and_counts_but_no_content()
    {
        await using var hub = await Hub();
        var (idle, _) = await hub.CreateChannel();
        var (id, token) = await hub.CreateChannel();
        var a = await hub.Join(id, token, "alpha");
        await hub.Join(id, token, "bravo");
        var (sent, _) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"bravo","message":"secret payload"}""", token, a);
        Assert.Equal(200, sent);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/channels");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await hub.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.DoesNotContain("secret payload", text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        var root = JsonDocument.Parse(text).RootElement;
        var channels = root.GetProperty("channels").EnumerateArray().ToList();
        var row = Assert.Single(channels);
        Assert.Equal(id, row.GetProperty("id").GetString());
        Assert.NotEqual(idle, row.GetProperty("id").GetString());
        Assert.Equal(["alpha", "bravo"], row.GetProperty("roster").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(2, row.GetProperty("agent_count").GetInt32());
        Assert.Equal(1, row.GetProperty("message_count").GetInt32());
        Assert.Equal(JsonValueKind.Number, row.GetProperty("first_joined_at").ValueKind);
        Assert.Equal(2, root.GetProperty("live").GetProperty("agents_online").GetInt32());
        Assert.Equal(1, root.GetProperty("live").GetProperty("channels_open").GetInt32());
    }
}
