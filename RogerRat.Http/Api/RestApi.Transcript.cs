using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

internal sealed partial class RestApi
{
    // GET /api/channels/:id/transcript (reference §5.3). Added to the original's shape: where the events are kept, and
    // the lines skipped as unreadable and events dropped, so a gap is never silent (§15.14).
    private async ValueTask TranscriptAsync(HttpContext c, RouteValues v)
    {
        var read = await _service.TranscriptAsync(v["id"]!, Bearer(c), c.Request.Query("limit"), c.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(c, WireJson.Write(read, static (w, r) =>
        {
            w.WriteStartObject();
            w.WriteString("channel_id"u8, r.Channel.Id);
            w.WriteString("retention"u8, ChannelSettings.Name(r.Channel.Settings.Retention));
            w.WriteString("storage"u8, r.Storage);
            w.WriteStartArray("events"u8);
            foreach (var e in r.Page.Events) w.WriteRawValue(e.Span, skipInputValidation: true);
            w.WriteEndArray();
            w.WriteNumber("corrupt_lines"u8, r.Page.CorruptLines);
            w.WriteNumber("dropped_events"u8, r.Page.DroppedEvents);
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }
}
