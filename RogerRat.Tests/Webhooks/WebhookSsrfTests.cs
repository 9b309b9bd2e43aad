using System.Net;
using RogerRat.Http.Webhooks;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Webhooks;

/// <summary>The SSRF guard (PROTOCOL §4): at registration on the URL's host, and at connect on every resolved address.</summary>
public class WebhookSsrfTests
{
    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://127.1.2.3:8080/hook")]
    [InlineData("http://2130706433/")] // 127.0.0.1 as one number
    [InlineData("http://localhost:9000/hook")]
    [InlineData("http://api.localhost/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://172.31.255.255/")]
    [InlineData("https://192.168.1.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fc00::1]/")]
    [InlineData("http://[fd12:3456::1]/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://[::]/")]
    [InlineData("http://224.0.0.1/")]
    public async Task Registration_refuses_non_public_hosts(string url)
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        await WebhookDeliveryTests.AssertRefused(hub, $"/api/channels/{id}/webhooks", token, $$"""{"url":"{{url}}"}""", 400, "invalid",
            "--allow-private-webhooks");
    }

    [Theory]
    [InlineData("https://example.com/hook")]
    [InlineData("http://8.8.8.8/hook")]
    [InlineData("http://[2606:4700::1111]/hook")]
    public async Task Registration_accepts_public_hosts(string url)
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var (status, json) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/webhooks", $$"""{"url":"{{url}}"}""", token);
        Assert.True(status == 200, json.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.0.1")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fdff::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::1")]
    public void Forbidden_addresses(string address) => Assert.True(AddressGuard.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses(string address) => Assert.False(AddressGuard.IsForbidden(IPAddress.Parse(address)));

    [Fact]
    public void Only_the_allowed_resolved_addresses_are_connected_to()
    {
        IPAddress[] resolved = [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("8.8.8.8"), IPAddress.Parse("::1")];
        Assert.Equal([IPAddress.Parse("8.8.8.8")], AddressGuard.Allowed(resolved, allowPrivate: false));
        Assert.Equal(resolved, AddressGuard.Allowed(resolved, allowPrivate: true));
    }

    [Fact]
    public async Task A_name_resolving_to_loopback_is_refused_at_connect()
    {
        // The guard the dispatcher's handler uses, on a real DNS lookup: "localhost" resolves to loopback only.
        await using var receiver = await WebhookReceiver.StartAsync();
        var port = new Uri(receiver.Url).Port;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = (context, ct) => AddressGuard.ConnectAsync(context, allowPrivate: false, ct),
        });
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync($"http://localhost:{port}/hook", new StringContent("{}")));
        Assert.Contains("SSRF guard", refused.ToString());
        Assert.Empty(receiver.Hits);

        using var allowed = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = (context, ct) => AddressGuard.ConnectAsync(context, allowPrivate: true, ct),
        });
        var body = new StringContent("""{"message":{"text":"hi"}}""");
        using var response = await allowed.PostAsync($"http://localhost:{port}/hook", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
