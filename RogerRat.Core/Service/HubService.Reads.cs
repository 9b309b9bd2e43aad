namespace RogerRat.Core.Service;

/// <summary>
/// A listen's answer. The delivery moves the cursor only once the face reports its answer written
/// (<see cref="CompleteAsync"/>): a client gone while parked consumes nothing.
/// </summary>
public sealed class Listened(Channel channel, Delivery delivery, string[]? roster, double seconds)
{
    /// <summary>How long the listen could wait, after clamping.</summary>
    public double Seconds => seconds;

    public Delivery Delivery => delivery;

    /// <summary>The roster, on a wait.</summary>
    public string[]? Roster => roster;

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
        if (written) return channel.CommitAsync(delivery);
        channel.Abandon(delivery);
        return ValueTask.CompletedTask;
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
        return new Listened(channel, delivery, command.Wait ? channel.Roster() : null, seconds);
    }

    /// <summary>The last <paramref name="n"/> messages (default and largest from the options).</summary>
    public ChannelMessage[] History(Channel channel, string? n) =>
        channel.History(QueryValues.Count(n, Options.HistoryDefault, Options.HistoryMax));

    /// <summary>The transcript route (reference §5.3): the bearer without the band exemption; retention comes later.</summary>
    public void Transcript(string channelId, string? bearer)
    {
        var channel = Hub.GetChannel(channelId);
        if (!Secrets.TokenMatches(channel.Settings.TokenHash, bearer)) throw new HubException(HubErrors.InvalidBearer);
        throw new HubException(channel.Settings.Retention == Retention.None ? HubErrors.NoTranscript : HubErrors.TranscriptNotKept);
    }
}
