using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

internal sealed partial class RestApi
{
    // The open stream of each (channel, session): a newer one closes it.
    private readonly ConcurrentDictionary<(string Channel, string Session), OpenStream> _streams = new();

    private static readonly byte[] s_ping = ": ping\n\n"u8.ToArray();

    // One cancellation source per stream: the client's abort and a newer stream both end it.
    private sealed class OpenStream(CancellationToken requestAborted) : IDisposable
    {
        private readonly CancellationTokenSource _closed = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);

        public CancellationToken Closed => _closed.Token;

        public bool IsClosed => _closed.IsCancellationRequested;

        /// <summary>Set before the close, so the old stream can say why it ends.</summary>
        public volatile bool Superseded;

        public void Supersede()
        {
            Superseded = true;
            _closed.Cancel();
        }

        public void Dispose() => _closed.Dispose();
    }

    // GET /api/channels/:id/stream (reference §7 with PROTOCOL §1): hello, the backlog, then live messages and status
    // signals, each an `event: message` frame with `id:`; `: ping` while idle. Every frame is a delivery of its own for
    // the cursor: it moves as each frame is handed to the socket, so a cut stream loses nothing and `Last-Event-ID`
    // (or `since`) resumes exactly after the last frame the client saw.
    private async ValueTask StreamAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        var sid = SessionId(c, HubErrors.SessionHeaderRequiredFromJoin);
        var since = QueryValues.Since(c.Request.Query("since") ?? c.Request.Header("Last-Event-ID"));
        await _service.KeepaliveAsync(channel, sid).ConfigureAwait(false); // 400 not_joined / 410 session_expired as JSON, before the stream starts
        var callsign = channel.CallsignOf(sid) ?? "";
        using var open = channel.OpenStream(sid);

        using var mine = new OpenStream(c.RequestAborted);
        var key = (channel.Id, sid);
        OpenStream? previous = null;
        _streams.AddOrUpdate(key, mine, (_, old) =>
        {
            previous = old;
            return mine;
        });
        previous?.Supersede();
        _service.Metrics.StreamOpened();
        try
        {
            var backlog = await channel.ListenAsync(sid, TimeSpan.Zero, since, mine.Closed).ConfigureAwait(false);
            c.Response.StatusCode = 200;
            c.Response.ContentType = "text/event-stream";
            c.Response.AddHeader("Cache-Control", "no-cache");
            if (!await c.Response.StartStreamAsync().ConfigureAwait(false))
            {
                channel.Abandon(backlog);
                return;
            }
            var hello = WireJson.Write((channel, callsign, backlog), static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("channel_id"u8, s.channel.Id);
                w.WriteString("callsign"u8, s.callsign);
                WireJson.Strings(w, "roster"u8, s.channel.Roster());
                w.WriteNumber("backlog_count"u8, s.backlog.Messages.Count);
                w.WriteNumber("cursor"u8, s.backlog.Cursor);
                w.WriteEndObject();
            });
            if (!await WriteFrameAsync(c, "hello", hello, id: null).ConfigureAwait(false))
            {
                channel.Abandon(backlog);
                return;
            }
            if (!await WriteDeliveryAsync(c, channel, backlog).ConfigureAwait(false)) return;

            var ping = TimeSpan.FromSeconds(Options.StreamPingSeconds);
            while (!mine.IsClosed)
            {
                Delivery delivery;
                try
                {
                    delivery = await channel.ListenAsync(sid, ping, since: null, mine.Closed).ConfigureAwait(false);
                }
                catch (HubException e)
                {
                    // The session left or was evicted: say so on the stream, then close it.
                    await WriteFrameAsync(c, "error", WireJson.Error(e.Error), id: null).ConfigureAwait(false);
                    break;
                }
                if (mine.IsClosed)
                {
                    channel.Abandon(delivery);
                    break;
                }
                if (delivery.Messages.Count == 0 && delivery.Missed == 0)
                {
                    if (!await c.Response.WriteStreamAsync(s_ping).ConfigureAwait(false)) break;
                    continue;
                }
                if (!await WriteDeliveryAsync(c, channel, delivery).ConfigureAwait(false)) break;
            }
            if (mine.Superseded)
            {
                await WriteFrameAsync(c, "error", WireJson.Error("a newer stream for this session replaced this one", "superseded"), id: null)
                    .ConfigureAwait(false);
            }
            await c.Response.EndStreamAsync().ConfigureAwait(false);
        }
        finally
        {
            _service.Metrics.StreamClosed();
            _streams.TryRemove(new KeyValuePair<(string, string), OpenStream>(key, mine));
        }
    }

    // The gap report first (when there is one), then one frame per message; the cursor moves through what was written.
    private static async ValueTask<bool> WriteDeliveryAsync(HttpContext c, Channel channel, Delivery delivery)
    {
        var written = 0;
        try
        {
            if (delivery.Missed > 0)
            {
                var gap = WireJson.Write(delivery, static (w, d) =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("missed"u8, d.Missed);
                    if (d.OldestAvailableId is { } oldest) w.WriteNumber("oldest_available_id"u8, oldest);
                    w.WriteEndObject();
                });
                if (!await WriteFrameAsync(c, "gap", gap, id: null).ConfigureAwait(false)) return false;
            }
            foreach (var message in delivery.Messages)
            {
                var json = WireJson.Write(message, static (w, m) => WireJson.Message(w, m));
                if (!await WriteFrameAsync(c, "message", json, message.Id).ConfigureAwait(false)) return false;
                written++;
            }
            return true;
        }
        finally
        {
            if (delivery.NeedsCommit)
            {
                if (delivery.Messages.Count == 0) await channel.CommitAsync(delivery).ConfigureAwait(false); // a gap-only delivery
                else await channel.CommitThroughAsync(delivery, written).ConfigureAwait(false);
            }
        }
    }

    // `event: <name>\ndata: <json>\n[id: <id>\n]\n`: JSON holds no raw newline, so data is one line.
    private static ValueTask<bool> WriteFrameAsync(HttpContext c, string name, byte[] json, long? id)
    {
        Span<byte> digits = stackalloc byte[20];
        var idLength = 0;
        if (id is { } i && !i.TryFormat(digits, out idLength, default, CultureInfo.InvariantCulture)) idLength = 0;
        var frame = new byte["event: "u8.Length + name.Length + "\ndata: "u8.Length + json.Length + 1 + (id is null ? 0 : "id: "u8.Length + idLength + 1) + 1];
        var at = Append(frame, 0, "event: "u8);
        at += Encoding.ASCII.GetBytes(name, frame.AsSpan(at));
        at = Append(frame, at, "\ndata: "u8);
        at = Append(frame, at, json);
        frame[at++] = (byte)'\n';
        if (id is not null)
        {
            at = Append(frame, at, "id: "u8);
            at = Append(frame, at, digits[..idLength]);
            frame[at++] = (byte)'\n';
        }
        frame[at] = (byte)'\n';
        return c.Response.WriteStreamAsync(frame);
    }

    private static int Append(byte[] frame, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(frame.AsSpan(at));
        return at + bytes.Length;
    }
}
