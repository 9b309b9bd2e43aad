using RogerRat.Core;
using RogerRat.Core.Service;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

internal sealed partial class RestApi
{
    // GET /api/channels/:id/listen and /wait (reference §2.10–2.11, PROTOCOL §1): the delivery is committed only when
    // the transport reports the response written; a client gone while parked consumes nothing.
    private async ValueTask ListenAsync(HttpContext c, RouteValues v, bool wait)
    {
        var channel = await AuthorizedChannelAsync(c, v).ConfigureAwait(false);
        var sid = SessionId(c, HubErrors.SessionHeaderRequiredFromJoin);
        var listened = await _service.ListenAsync(channel, sid, new ListenCommand(wait, c.Request.Query("timeout"), c.Request.Query("since")),
            c.RequestAborted).ConfigureAwait(false);
        bool written;
        try
        {
            written = await WriteJsonAsync(c, WireJson.WritePooled(listened, static (w, l) => l.Write(w))).ConfigureAwait(false);
        }
        catch
        {
            await listened.CompleteAsync(written: false).ConfigureAwait(false);
            throw;
        }
        await listened.CompleteAsync(written).ConfigureAwait(false);
    }
}
