using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RogerRat.Core;
using RogerRat.Core.Service;

namespace RogerRat.Http.Webhooks;

/// <summary>
/// One registered webhook and its sender loop.
/// <para>Concurrency design. Senders of the channel call <see cref="Offer"/> (many writers); it only writes to a bounded
/// queue that drops its oldest item when full, so a send never waits on a receiver. One loop (<see cref="RunAsync"/>,
/// the single reader) delivers in queue order, one message at a time with its retries, so deliveries to one webhook are
/// ordered. The counters are written by the loop (and the drop callback) with interlocked or volatile writes and read by
/// the list route without a lock; <c>_lastError</c> is a reference written whole.</para>
/// </summary>
internal sealed class Webhook
{
    private readonly Channel<ChannelMessage> _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _client;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _dropped;
    private long _droppedReported;
    private long _delivered;
    private long _failed;
    private string? _lastError;
    private long _lastErrorAt;
    private Task _loop = Task.CompletedTask;

    public Webhook(string id, string channelId, Uri url, string? callsign, string secret, long createdAt, HttpClient client,
        WebhookOptions options, TimeProvider time, ILogger logger)
    {
        Id = id;
        ChannelId = channelId;
        Url = url;
        Callsign = callsign;
        Secret = secret;
        CreatedAt = createdAt;
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
        _queue = System.Threading.Channels.Channel.CreateBounded<ChannelMessage>(
            new BoundedChannelOptions(options.QueueCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
                AllowSynchronousContinuations = false,
            },
            _ => Interlocked.Increment(ref _dropped));
    }

    public string Id { get; }
    public string ChannelId { get; }
    public Uri Url { get; }
    public string? Callsign { get; }
    public string Secret { get; }
    public long CreatedAt { get; }
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Delivered => Interlocked.Read(ref _delivered);
    public long Failed => Interlocked.Read(ref _failed);
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>The hub's instruments (attempts, failures); null counts nothing.</summary>
    internal RogerRat.Core.Service.HubMetrics? Metrics { get; init; }
    public long LastErrorAt => Interlocked.Read(ref _lastErrorAt);

    /// <summary>The secret as listed: never whole.</summary>
    public string MaskedSecret => "****" + Secret[^4..];

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>From the send path: enqueue if this webhook wants the message. Never blocks, never throws.</summary>
    public void Offer(ChannelMessage message)
    {
        if (Callsign is null || message.IsFor(Callsign)) _queue.Writer.TryWrite(message);
    }

    /// <summary>Stops the loop (an attempt in flight is cancelled) and waits for it.</summary>
    public async Task StopAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var message))
                {
                    ReportGap();
                    await DeliverAsync(message).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "webhook {WebhookId} on channel {ChannelId}: sender loop failed", Id, ChannelId);
        }
    }

    private void ReportGap()
    {
        var dropped = Dropped;
        if (dropped == _droppedReported) return;
        _logger.LogWarning("webhook {WebhookId} on channel {ChannelId}: queue full, {Count} oldest message(s) dropped (total {Total})",
            Id, ChannelId, dropped - _droppedReported, dropped);
        _droppedReported = dropped;
    }

    private async Task DeliverAsync(ChannelMessage message)
    {
        var body = WireJson.Write((ChannelId, Id, message), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteString("channel_id"u8, s.ChannelId);
            w.WriteString("webhook_id"u8, s.Id);
            w.WritePropertyName("message"u8);
            WireJson.Message(w, s.message);
            w.WriteEndObject();
        });
        string error = "";
        for (var attempt = 0; attempt <= _options.Retries; attempt++)
        {
            if (attempt > 0) await Task.Delay(_options.RetryDelay(attempt - 1), _time, _stop.Token).ConfigureAwait(false);
            var outcome = await AttemptAsync(body).ConfigureAwait(false);
            Metrics?.WebhookAttempt();
            if (outcome is null)
            {
                Interlocked.Increment(ref _delivered);
                return;
            }
            error = outcome;
        }
        Volatile.Write(ref _lastError, error);
        Interlocked.Exchange(ref _lastErrorAt, _time.GetUtcNow().ToUnixTimeMilliseconds());
        Interlocked.Increment(ref _failed);
        Metrics?.WebhookFailed();
        _logger.LogWarning("webhook {WebhookId} on channel {ChannelId}: message {MessageId} failed after {Attempts} attempts: {Error}",
            Id, ChannelId, message.Id, _options.Retries + 1, error);
    }

    // One POST; null on a 2xx, else what went wrong. Only a stop of the loop escapes as a cancellation.
    private async Task<string?> AttemptAsync(byte[] body)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-RogerRat-Webhook-Id", Id);
        request.Headers.TryAddWithoutValidation("X-RogerRat-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("X-RogerRat-Signature", WebhookSigner.Sign(Secret, timestamp, body));
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        attempt.CancelAfter(_options.AttemptTimeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
        {
            return $"timed out after {_options.AttemptTimeout.TotalSeconds:0.###} s";
        }
        catch (HttpRequestException e)
        {
            return e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{e.Message} ({inner.Message})" : e.Message;
        }
    }
}
