using System.Diagnostics.Metrics;

namespace RogerRat.Core.Service;

/// <summary>
/// The hub's instruments on a <see cref="System.Diagnostics.Metrics.Meter"/> named <c>RogerRat</c>: what
/// <c>dotnet-counters monitor --counters RogerRat</c>, an OpenTelemetry <c>MeterProvider</c> and <c>GET /metrics</c> read.
/// One meter per hub, so two hubs in one process (tests) do not mix their gauges.
/// </summary>
public sealed class HubMetrics : IDisposable
{
    /// <summary>The meter's name, what <c>dotnet-counters --counters</c> and <c>AddMeter</c> take.</summary>
    public const string MeterName = "RogerRat";

    private readonly Counter<long> _messagesSent;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _messagesDelivered;
    private readonly UpDownCounter<long> _listensParked;
    private readonly Counter<long> _webhookAttempts;
    private readonly Counter<long> _webhookFailures;
    private readonly UpDownCounter<long> _streamsOpen;
    private readonly Histogram<double> _wakeLatency;
    private readonly Counter<long> _transcriptDrops;
    private static readonly KeyValuePair<string, object?>[] s_dropReasons =
    [
        new("reason", "queue_full"), new("reason", "memory_bound"),
    ];
    private static readonly KeyValuePair<string, object?>[] s_statusClasses =
    [
        new("status_class", "1xx"), new("status_class", "2xx"), new("status_class", "3xx"), new("status_class", "4xx"), new("status_class", "5xx"),
    ];

    /// <summary>Creates the meter and its instruments; the channel and online-agent gauges observe <paramref name="hub"/>.</summary>
    public HubMetrics(Hub hub)
    {
        Meter = new Meter(MeterName, "1.0");
        _messagesSent = Meter.CreateCounter<long>("rogerrat.messages.sent", "{message}", "Messages accepted by send (REST and MCP).");
        _requests = Meter.CreateCounter<long>("rogerrat.http.requests", "{request}", "HTTP requests answered (REST, MCP, pages, and requests the server refused), by status class.");
        _rejections = Meter.CreateCounter<long>("rogerrat.rejections", "{request}", "Requests refused with a catalogue error, by reason.");
        _messagesDelivered = Meter.CreateCounter<long>("rogerrat.messages.delivered", "{message}", "Messages handed to listens and waits.");
        _listensParked = Meter.CreateUpDownCounter<long>("rogerrat.listens.parked", "{listen}", "Listens and waits in progress (parked until a message or the timeout).");
        _webhookAttempts = Meter.CreateCounter<long>("rogerrat.webhooks.attempts", "{attempt}", "Webhook POSTs tried (retries included).");
        _webhookFailures = Meter.CreateCounter<long>("rogerrat.webhooks.failures", "{message}", "Webhook messages given up after every retry.");
        _streamsOpen = Meter.CreateUpDownCounter<long>("rogerrat.streams.open", "{stream}", "SSE streams open (each holds a parked listen between messages).");
        _wakeLatency = Meter.CreateHistogram<double>("rogerrat.listens.wake_latency", "ms",
            "From the send that woke a parked listen (its message's timestamp, millisecond resolution) to the listen's response written.");
        _transcriptDrops = Meter.CreateCounter<long>("rogerrat.transcripts.dropped", "{event}",
            "Transcript events dropped: queue_full (the file writer's queue was full) or memory_bound (a channel's oldest in-memory event).");
        Meter.CreateObservableGauge("rogerrat.channels", () => (long)hub.ChannelCount, "{channel}", "Channels held in memory.");
        Meter.CreateObservableGauge("rogerrat.agents.online", () => AgentsOnline(hub), "{agent}", "Agents online across channels.");
    }

    /// <summary>The meter holding every instrument, named <see cref="MeterName"/>; disposed with this object.</summary>
    public Meter Meter { get; }

    /// <summary>A send was accepted (<c>rogerrat.messages.sent</c>).</summary>
    public void MessageSent() => _messagesSent.Add(1);

    /// <summary><paramref name="messages"/> messages were handed to a listen or wait (<c>rogerrat.messages.delivered</c>); zero records nothing.</summary>
    public void Delivered(int messages)
    {
        if (messages > 0) _messagesDelivered.Add(messages);
    }

    /// <summary>A webhook POST was tried, retries included (<c>rogerrat.webhooks.attempts</c>).</summary>
    public void WebhookAttempt() => _webhookAttempts.Add(1);

    /// <summary>A webhook message was given up after every retry (<c>rogerrat.webhooks.failures</c>).</summary>
    public void WebhookFailed() => _webhookFailures.Add(1);

    /// <summary>A listen or wait started; <see cref="ListenWoken"/> when it returns (<c>rogerrat.listens.parked</c>).</summary>
    public void ListenParked() => _listensParked.Add(1);

    /// <summary>A listen or wait returned, with messages or on its timeout.</summary>
    public void ListenWoken() => _listensParked.Add(-1);

    /// <summary>An SSE stream started; <see cref="StreamClosed"/> when it ends.</summary>
    public void StreamOpened() => _streamsOpen.Add(1);

    /// <summary>An SSE stream ended.</summary>
    public void StreamClosed() => _streamsOpen.Add(-1);

    /// <summary>A woken listen's response was written <paramref name="milliseconds"/> after the waking send.</summary>
    public void WakeLatency(double milliseconds) => _wakeLatency.Record(Math.Max(0, milliseconds));

    /// <summary>A transcript event was dropped (cached tag: nothing allocated).</summary>
    public void TranscriptDropped(TranscriptDropReason reason) => _transcriptDrops.Add(1, s_dropReasons[(int)reason]);

    /// <summary>The transport's open connections, observed at collection time (the HTTP server registers it).</summary>
    public void ObserveConnections(Func<long> open) =>
        Meter.CreateObservableGauge("rogerrat.connections.open", open, "{connection}", "HTTP connections open.");

    /// <summary>One answered request; the status class tag is a cached pair, so this allocates nothing.</summary>
    public void Request(int status)
    {
        var i = Math.Clamp(status / 100, 1, 5) - 1;
        _requests.Add(1, s_statusClasses[i]);
    }

    /// <summary>A refusal, tagged with its stable wire code (a small fixed set: the catalogue's codes, the router's
    /// <c>not_found</c>/<c>method_not_allowed</c>, the HTTP server's rejection codes, MCP's JSON-RPC error names).</summary>
    public void Rejection(string code) => _rejections.Add(1, new KeyValuePair<string, object?>("reason", code));

    private static long AgentsOnline(Hub hub)
    {
        long n = 0;
        foreach (var c in hub.Channels) n += c.Stats().AgentCount;
        return n;
    }

    /// <summary>Disposes <see cref="Meter"/>, ending its instruments.</summary>
    public void Dispose() => Meter.Dispose();
}

/// <summary>Why a transcript event was dropped (the <c>reason</c> tag of <c>rogerrat.transcripts.dropped</c>).</summary>
public enum TranscriptDropReason
{
    /// <summary>The file writer's bounded queue was full; the event was never written.</summary>
    QueueFull,

    /// <summary>An in-memory channel transcript was at its bound; its oldest event made room.</summary>
    MemoryBound,
}
