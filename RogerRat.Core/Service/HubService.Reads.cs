using Microsoft.Extensions.Logging;
using RogerRat.Core.Service.Transcripts;

namespace RogerRat.Core.Service;

/// <summary>A transcript read as the faces answer it: the channel, its events and where they are kept.</summary>
public sealed record TranscriptRead(Channel Channel, TranscriptPage Page, string Storage);

/// <summary>
/// A listen's answer. The delivery moves the cursor only once the face reports its answer written
/// (<see cref="CompleteAsync"/>): a client gone while parked consumes nothing.
/// </summary>
public sealed class Listened(Channel channel, Delivery delivery, string[]? roster, double seconds)
{
    /// <summary>How long the listen could wait, after clamping.</summary>
    public double Seconds => seconds;

    /// <summary>The messages, cursor and gap report the listen hands out, not yet committed.</summary>
    public Delivery Delivery => delivery;

    internal HubMetrics? Metrics { get; init; }

    internal TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>When the listen started, Unix ms: a message sent after it is one that woke the parked listen.</summary>
    internal long ParkedAt { get; init; } = long.MaxValue;

    // The waking send is the oldest delivered message sent after the listen parked; a backlog answered at once has none.
    private void RecordWake()
    {
        if (Metrics is null) return;
        var messages = delivery.Messages;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].At < ParkedAt) continue;
            Metrics.WakeLatency((Time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(messages[i].At)).TotalMilliseconds);
            return;
        }
    }

    /// <summary>The roster, on a wait.</summary>
    public string[]? Roster => roster;

    /// <summary>True when the face must call <see cref="CompleteAsync"/> once it knows whether its answer was written.</summary>
    public bool NeedsCommit => delivery.NeedsCommit;

    /// <summary>The listen answer both faces send (REST body, MCP structured content).</summary>
    public void Write(System.Text.Json.Utf8JsonWriter w)
    {
        w.WriteStartObject();
        WireJson.Messages(w, "messages"u8, delivery.Messages);
        w.WriteBoolean("timed_out"u8, delivery.Messages.Count == 0);
        w.WriteNumber("cursor"u8, delivery.Cursor);
        if (delivery.Missed > 0)
        {
            w.WriteNumber("missed"u8, delivery.Missed);
            if (delivery.OldestAvailableId is { } oldest) w.WriteNumber("oldest_available_id"u8, oldest);
        }
        if (roster is not null)
        {
            WireJson.Strings(w, "roster"u8, roster);
            w.WriteString("meta_hint"u8, delivery.Messages.Count == 0
                ? "Nothing new arrived. Call /wait again in a loop to keep listening; peers that are offline can still be messaged (messages queue per callsign)."
                : $"{delivery.Messages.Count} new message{(delivery.Messages.Count == 1 ? "" : "s")}. After acting, call /wait again to hear replies.");
        }
        w.WriteEndObject();
    }

    /// <summary>Commits the delivery when <paramref name="written"/>, else hands its messages back.</summary>
    public ValueTask CompleteAsync(bool written)
    {
        if (!delivery.NeedsCommit) return ValueTask.CompletedTask;
        if (written)
        {
            RecordWake();
            return channel.CommitAsync(delivery);
        }
        return channel.AbandonAsync(delivery);
    }
}

public sealed partial class HubService
{
    /// <summary>Listens (or waits, with the roster) as <paramref name="sessionId"/>; the timeout is clamped to the face's
    /// limits, the cursor must be an integer.</summary>
    public async ValueTask<Listened> ListenAsync(Channel channel, string sessionId, ListenCommand command, CancellationToken cancellationToken)
    {
        var seconds = command.Wait
            ? QueryValues.Seconds(command.Timeout, Options.WaitDefaultSeconds, Options.WaitMaxSeconds)
            : QueryValues.Seconds(command.Timeout, Options.ListenDefaultSeconds, Options.ListenMaxSeconds);
        var since = QueryValues.Since(command.Since);
        Delivery delivery;
        var parkedAt = Hub.Time.GetUtcNow().ToUnixTimeMilliseconds();
        Metrics.ListenParked();
        try
        {
            delivery = await channel.ListenAsync(sessionId, TimeSpan.FromSeconds(seconds), since, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Metrics.ListenWoken();
        }
        Metrics.Delivered(delivery.Messages.Count);
        return new Listened(channel, delivery, command.Wait ? channel.Roster() : null, seconds) { Metrics = Metrics, Time = Hub.Time, ParkedAt = parkedAt };
    }

    /// <summary>The last <paramref name="n"/> messages (default and largest from the options).</summary>
    public ChannelMessage[] History(Channel channel, string? n) =>
        channel.History(QueryValues.Count(n, Options.HistoryDefault, Options.HistoryMax));

    /// <summary>The transcript route (reference §5.3): unknown channel, then the bearer without the band exemption, then
    /// retention <c>none</c>; the last <c>limit</c> events (clamped; a non-number is refused, §15.20).</summary>
    public async ValueTask<TranscriptRead> TranscriptAsync(string channelId, string? bearer, string? limit, CancellationToken cancellationToken = default)
    {
        var channel = await Hub.GetChannelAsync(channelId, cancellationToken).ConfigureAwait(false);
        if (!Secrets.TokenMatches(channel.Settings.TokenHash, bearer)) throw new HubException(HubErrors.InvalidBearer);
        if (channel.Settings.Retention == Retention.None) throw new HubException(HubErrors.NoTranscript);
        var n = QueryValues.Count(limit, Options.TranscriptLimitDefault, Options.TranscriptLimitMax, HubErrors.TranscriptLimitNotNumeric);
        var page = await Transcripts.Store.ReadAsync(channel.Id, n, cancellationToken).ConfigureAwait(false);
        return new(channel, page, Transcripts.Store.Storage);
    }
}
