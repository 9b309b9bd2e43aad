using RogerRat.Tests.Integration;
using Xunit.Abstractions;

namespace RogerRat.Tests.Admin;

/// <summary>
/// The dashboard in a real browser (headless Debian chromium over the DevTools protocol) against a live hub where two
/// agents talk: a wrong token shows the error, the right one shows the channel, its roster and counts. Saves a
/// screenshot (<c>ROGERRAT_SCREENSHOT</c> names where, else the test's output folder).
/// </summary>
public sealed class AdminDashboardBrowserTests(ITestOutputHelper output)
{
    private const string AdminToken = "dashboard-admin-token";

    [ChromiumFact]
    public async Task The_dashboard_refuses_a_wrong_token_then_shows_the_channel_roster_and_counts()
    {
        await using var hub = await LiveHub.StartAsync(o => o.Service.AdminToken = AdminToken);
        var (id, token) = await hub.CreateChannel();
        var alpha = await hub.Join(id, token, "alpha");
        var bravo = await hub.Join(id, token, "bravo");
        var (sent, _) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"bravo","message":"hello bravo, the content stays private"}""", token, alpha);
        Assert.Equal(200, sent);
        var (heard, got) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=5", null, token, bravo);
        Assert.Equal(200, heard);
        Assert.Equal(1, got.GetProperty("messages").GetArrayLength());
        var (replied, _) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"alpha","message":"roger, alpha"}""", token, bravo);
        Assert.Equal(200, replied);

        // alpha reads bravo's reply, then waits for its next message while the operator looks: the live counters show it.
        Assert.Equal(200, (await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=5", null, token, alpha)).Status);
        var parked = hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=60", null, token, alpha);

        await using var page = await Cdp.OpenAsync($"{hub.Base}/admin");

        await page.TypeAsync("#token", "not-the-admin-token");
        await page.ClickAsync("#go");
        await page.WaitForAsync("document.getElementById('error').textContent === 'invalid admin token'");
        Assert.Equal(0.0, (await page.EvalAsync("document.querySelectorAll('#channels tbody tr').length"))!.GetValue<double>());
        Assert.Null((await page.EvalAsync("sessionStorage.getItem('rogerthat_admin_token')"))?.GetValue<string>());

        await page.TypeAsync("#token", AdminToken);
        await page.ClickAsync("#go");
        var row = $"document.querySelector('#channels tbody tr[data-channel=\"{id}\"]')";
        await page.WaitForAsync($"{row} !== null");
        Assert.Equal("", (await page.EvalAsync("document.getElementById('error').textContent"))!.GetValue<string>());
        var cells = (await page.EvalAsync($"Array.from({row}.cells).map(c => c.textContent)"))!.AsArray().Select(n => n!.GetValue<string>()).ToArray();
        Assert.Equal(id, cells[0]);
        Assert.Equal("token", cells[2]);
        Assert.Equal(["alpha", "bravo"], (await page.EvalAsync($"Array.from({row}.querySelectorAll('.chip')).map(c => c.innerText)"))!
            .AsArray().Select(n => n!.GetValue<string>()).ToArray());
        Assert.Equal("2", cells[5]);
        Assert.EndsWith("ago", cells[6], StringComparison.Ordinal);
        Assert.Equal("2", (await page.EvalAsync("document.getElementById('c-agents').innerText"))!.GetValue<string>());
        Assert.Equal("1", (await page.EvalAsync("document.getElementById('c-open').innerText"))!.GetValue<string>());
        Assert.Equal("2", (await page.EvalAsync("document.getElementById('c-messages').innerText"))!.GetValue<string>());
        await page.WaitForAsync("document.getElementById('c-parked').innerText === '1'", seconds: 15);
        Assert.Equal("0", (await page.EvalAsync("document.getElementById('c-streams').innerText"))!.GetValue<string>());
        Assert.True(double.Parse((await page.EvalAsync("document.getElementById('c-conns').innerText"))!.GetValue<string>(),
            System.Globalization.CultureInfo.InvariantCulture) >= 2); // the page's own and the parked listen's
        // messages/s needs two polls (5 s apart): no message in between reads 0.00.
        await page.WaitForAsync("document.getElementById('c-rate').innerText === '0.00'", seconds: 15);
        var text = (await page.EvalAsync("document.body.innerText"))!.GetValue<string>();
        Assert.DoesNotContain("content stays private", text, StringComparison.Ordinal);
        Assert.DoesNotContain("roger, alpha", text, StringComparison.Ordinal);

        var png = await page.ScreenshotAsync();
        var (woke, _) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"to":"alpha","message":"you can stop waiting"}""", token, bravo);
        Assert.Equal(200, woke);
        Assert.Equal(200, (await parked).Status);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var path = Environment.GetEnvironmentVariable("ROGERRAT_SCREENSHOT") is { Length: > 0 } p ? p : Path.Combine(AppContext.BaseDirectory, "admin-dashboard.png");
        await File.WriteAllBytesAsync(path, png);
        output.WriteLine($"screenshot: {path}");
    }
}
