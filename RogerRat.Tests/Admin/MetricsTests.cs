using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Admin;

/// <summary><c>GET /metrics</c>: Prometheus text exposition, parsed line by line.</summary>
public sealed partial class MetricsTests
{
    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+]+|NaN|\+Inf|-Inf)$""")]
    private static partial Regex Sample();

    /// <summary>Every line is a HELP, a TYPE or a sample; a sample's family has a TYPE before it. Answers name{labels} → value.</summary>
    internal static Dictionary<string, double> Parse(string text)
    {
        var typed = new HashSet<string>(StringComparer.Ordinal);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal)) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(typed.Add(parts[2]), $"TYPE twice for {parts[2]}");
                continue;
            }
            var m = Sample().Match(line);
            Assert.True(m.Success, $"not a sample line: {line}");
            var family = m.Groups[1].Value;
            Assert.True(typed.Contains(family) || typed.Contains(Regex.Replace(family, "_(bucket|sum|count)$", "")), $"no TYPE before {family}");
            samples[family + m.Groups[2].Value] = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    [Fact]
    public async Task Loopback_without_an_admin_token_reads_counters_that_follow_the_traffic()
    {
        await using var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var a = await hub.Join(id, token, "alpha");
        var b = await hub.Join(id, token, "bravo");
        var parked = hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=30", token: token, sid: b);
        await WaitFor(hub, "rogerrat_listens_parked", 1);
        for (var i = 0; i < 3; i++) await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"message":"hi"}""", token, a);
        await parked;
        await hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=1", token: token, sid: b); // the rest
        await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"message":"hi"}""", "wrong-token", a);

        using var response = await hub.Client.GetAsync("/metrics");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain; version=0.0.4", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        var m = Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, m["rogerrat_messages_sent_total"]);
        Assert.Equal(2, m["rogerrat_agents_online"]);
        Assert.Equal(3, m["rogerrat_messages_delivered_total"]);
        Assert.Equal(0, m["rogerrat_listens_parked"]);
        Assert.True(m["rogerrat_connections_open"] >= 1);
        Assert.Equal(1, m["rogerrat_channels"] - 3); // three public bands plus the one created
        Assert.Equal(1, m["""rogerrat_rejections_total{reason="unauthorized"}"""]);
        Assert.True(m["""rogerrat_http_requests_total{status_class="2xx"}"""] >= 6);
        Assert.Equal(1, m["""rogerrat_http_requests_total{status_class="4xx"}"""]);
    }

    private static async Task WaitFor(LiveHub hub, string sample, double value)
    {
        for (var i = 0; i < 100; i++)
        {
            if (Parse(await hub.Client.GetStringAsync("/metrics")).GetValueOrDefault(sample) == value) return;
            await Task.Delay(50);
        }
        Assert.Fail($"{sample} never reached {value}");
    }

    [Fact]
    public async Task With_an_admin_token_metrics_need_it()
    {
        await using var hub = await LiveHub.StartAsync(o => o.Service.AdminToken = "adm");
        using (var none = await hub.Client.GetAsync("/metrics")) Assert.Equal(401, (int)none.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "adm");
        using var ok = await hub.Client.SendAsync(request);
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Contains("rogerrat_messages_sent_total", Parse(await ok.Content.ReadAsStringAsync()).Keys);
    }
}
