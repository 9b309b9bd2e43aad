using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;
using RogerRat.Http.Webhooks;

namespace RogerRat.Http.Api;

internal sealed partial class RestApi
{
    /// <summary>The hub's webhooks (PROTOCOL §4); null maps no webhook route. Set before <see cref="Map"/>.</summary>
    internal WebhookDispatcher? Webhooks { get; set; }

    private void MapWebhooks(HttpRouter router)
    {
        if (Webhooks is null) return;
        router.Map("POST", "/api/channels/{id}/webhooks", Route(CreateWebhookAsync, HubTokenGuard.HeaderOnly));
        router.Map("GET", "/api/channels/{id}/webhooks", Route(ListWebhooksAsync, HubTokenGuard.HeaderOnly));
        router.Map("DELETE", "/api/channels/{id}/webhooks/{webhook_id}", Route(DeleteWebhookAsync, HubTokenGuard.HeaderOnly));
    }

    // POST /api/channels/:id/webhooks {"url", "callsign"?, "secret"?} → {"webhook_id", "secret"}: the only time the secret is shown.
    private async ValueTask CreateWebhookAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        Webhook hook;
        using (var body = RequestBody.Parse(c.Request.Body))
        {
            hook = await Webhooks!.RegisterAsync(channel, body.String("url"), body.String("callsign"), body.String("secret")).ConfigureAwait(false);
        }
        await WriteJsonAsync(c, WireJson.Write(hook, static (w, h) =>
        {
            w.WriteStartObject();
            w.WriteString("webhook_id"u8, h.Id);
            w.WriteString("secret"u8, h.Secret);
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }

    // GET /api/channels/:id/webhooks: each webhook with its secret masked and its delivery record.
    private async ValueTask ListWebhooksAsync(HttpContext c, RouteValues v)
    {
        var hooks = Webhooks!.List(await AuthorizedChannelAsync(c, v).ConfigureAwait(false));
        await WriteJsonAsync(c, WireJson.Write(hooks, static (w, hs) =>
        {
            w.WriteStartObject();
            w.WriteStartArray("webhooks"u8);
            foreach (var h in hs)
            {
                w.WriteStartObject();
                w.WriteString("webhook_id"u8, h.Id);
                w.WriteString("url"u8, h.Url.OriginalString);
                if (h.Callsign is not null) w.WriteString("callsign"u8, h.Callsign);
                w.WriteString("secret"u8, h.MaskedSecret);
                w.WriteNumber("created_at"u8, h.CreatedAt);
                w.WriteNumber("delivered_count"u8, h.Delivered);
                w.WriteNumber("failed_count"u8, h.Failed);
                if (h.LastError is { } error)
                {
                    w.WriteString("last_error"u8, error);
                    w.WriteNumber("last_error_at"u8, h.LastErrorAt);
                }
                w.WriteNumber("dropped"u8, h.Dropped);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        })).ConfigureAwait(false);
    }

    // DELETE /api/channels/:id/webhooks/:webhook_id: stops its deliveries (an attempt in flight is cancelled).
    private async ValueTask DeleteWebhookAsync(HttpContext c, RouteValues v)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        if (!await Webhooks!.DeleteAsync(channel, v["webhook_id"]!).ConfigureAwait(false)) throw new HubException(WebhookErrors.WebhookNotFound);
        await WriteOkAsync(c).ConfigureAwait(false);
    }
}
