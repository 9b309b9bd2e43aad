using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Headers;
using RogerRat.Core.Service;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Admin;

/// <summary>
/// The <c>RogerRat</c> meter as an embedding app's <see cref="MeterListener"/> sees it (what an OpenTelemetry
/// <c>MeterProvider</c> with <c>AddMeter("RogerRat")</c> and <c>dotnet-counters</c> subscribe to): each instrument the
/// operator needs exists under its name and moves with the traffic that should move it.
/// </summary>
public sealed class MeterInstrumentsTests
{
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Meter _meter;
        public readonly ConcurrentDictionary<string, double> Sums = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, int> Measurements = new(StringComparer.Ordinal);

        public Recorder(Meter meter)
        {
            _meter = meter;
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter)) l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, _, _) => Add(i.Name, v));
            _listener.SetMeasurementEventCallback<double>((i, v, _, _) => Add(i.Name, v));
            _listener.Start();
        }

        private void Add(string name, double value)
        {
            Sums.AddOrUpdate(name, value, (_, s) => s + value);
            Measurements.AddOrUpdate(name, 1, (_, n) => n + 1);
        }

        public double Sum(string name) => Sums.GetValueOrDefault(name);

        /// <summary>Observable gauges report only when collected: one collection, their last values.</summary>
        public Dictionary<string, double> Observe()
        {
            var seen = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);
            using var once = new MeterListener();
            once.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, _meter) && instrument.IsObservable) l.EnableMeasurementEvents(instrument);
            };
            once.SetMeasurementEventCallback<long>((i, v, _, _) => seen[i.Name] = v);
            once.Start();
            once.RecordObservableInstruments();
            return new Dictionary<string, double>(seen);
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task Every_instrument_moves_with_the_traffic_that_should_move_it()
    {
        await using var hub = await LiveHub.StartAsync(o => o.Service.TranscriptEventsInMemory = 2);
        var meter = hub.Server.Service.Metrics.Meter;
        Assert.Equal(HubMetrics.MeterName, meter.Name);
        using var recorder = new Recorder(meter);

        var (created, createdJson) = await hub.Send(HttpMethod.Post, "/api/channels", """{"retention":"full"}""");
        Assert.Equal(200, created);
        var id = createdJson.GetProperty("channel_id").GetString()!;
        var token = createdJson.GetProperty("join_token").GetString()!;
        var a = await hub.Join(id, token, "alpha");
        var b = await hub.Join(id, token, "bravo");

        // A parked listen: the gauge goes up, the send wakes it, the wake latency is recorded once, the gauge comes back.
        var parked = hub.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=30", token: token, sid: b);
        for (var i = 0; i < 1000 && recorder.Sum("rogerrat.listens.parked") < 1; i++) await Task.Delay(10);
        Assert.Equal(1, recorder.Sum("rogerrat.listens.parked"));
        Assert.Equal(200, (await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"message":"wake up"}""", token, a)).Status);
        Assert.Equal(200, (await parked).Status);
        Assert.Equal(0, recorder.Sum("rogerrat.listens.parked"));
        // Recorded when the delivery commits, once the answer is written: that can be just after the client read it.
        for (var i = 0; i < 1000 && recorder.Measurements.GetValueOrDefault("rogerrat.listens.wake_latency") < 1; i++) await Task.Delay(10);
        Assert.Equal(1, recorder.Measurements.GetValueOrDefault("rogerrat.listens.wake_latency"));
        Assert.InRange(recorder.Sum("rogerrat.listens.wake_latency"), 0, 30_000);
        Assert.Equal(1, recorder.Sum("rogerrat.messages.sent"));
        Assert.Equal(1, recorder.Sum("rogerrat.messages.delivered"));

        // A transcript past its in-memory bound (2 events): created, 2 joins, 1 message = 2 dropped oldest.
        Assert.Equal(2, recorder.Sum("rogerrat.transcripts.dropped"));

        // An SSE stream counts while it is open.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/api/channels/{id}/stream"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add("X-Session-Id", b);
            using var stream = await hub.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(200, (int)stream.StatusCode);
            for (var i = 0; i < 1000 && recorder.Sum("rogerrat.streams.open") < 1; i++) await Task.Delay(10);
            Assert.Equal(1, recorder.Sum("rogerrat.streams.open"));
        }
        for (var i = 0; i < 1000 && recorder.Sum("rogerrat.streams.open") > 0; i++) await Task.Delay(10);
        Assert.Equal(0, recorder.Sum("rogerrat.streams.open"));

        // A refusal is counted by its code, and every answer by status class.
        Assert.Equal(401, (await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", """{"message":"x"}""", "wrong", a)).Status);
        Assert.Equal(1, recorder.Sum("rogerrat.rejections"));
        // Counted once the response is written, so just after the client read it: create, 2 joins, listen, send,
        // stream, refused send.
        for (var i = 0; i < 1000 && recorder.Sum("rogerrat.http.requests") < 7; i++) await Task.Delay(10);
        Assert.Equal(7, recorder.Sum("rogerrat.http.requests"));

        // The observable gauges answer on collection.
        var gauges = recorder.Observe();
        Assert.Equal(2, gauges["rogerrat.agents.online"]);
        Assert.True(gauges["rogerrat.channels"] >= 1);
        Assert.True(gauges["rogerrat.connections.open"] >= 1);
    }
}
