using System.Diagnostics.Metrics;
using RogerRat.Http.Api;

namespace RogerRat.Tests.Api;

/// <summary>The /metrics listener sees several measurements per request: once a label set has its cell, recording costs
/// no allocation, and the scrape shows the running totals.</summary>
public class PrometheusTextTests
{
    [Fact]
    public void Measurements_allocate_nothing_once_their_cell_exists_and_the_scrape_shows_the_totals()
    {
        using var meter = new Meter("RogerRat.Tests.Prometheus." + Guid.NewGuid().ToString("N"));
        var requests = meter.CreateCounter<long>("rogerrat.http.requests");
        var parked = meter.CreateUpDownCounter<long>("rogerrat.listens.parked");
        KeyValuePair<string, object?>[] ok = [new("status_class", "2xx")];
        using var text = new PrometheusText(meter);
        for (var i = 0; i < 10; i++)
        {
            requests.Add(1, ok[0]);
            parked.Add(1);
            parked.Add(-1);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            requests.Add(1, ok[0]);
            parked.Add(1);
            parked.Add(-1);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        var scrape = text.Write();
        Assert.Contains("rogerrat_http_requests_total{status_class=\"2xx\"} 1010\n", scrape, StringComparison.Ordinal);
        Assert.Contains("rogerrat_listens_parked 0\n", scrape, StringComparison.Ordinal);
    }
}
