using System.Text;
using RogerRat.Core.Service;
using RogerRat.Http.Server;

namespace RogerRat.Http.Api;

internal sealed partial class RestApi
{
    private const string Text = "text/plain; charset=UTF-8";
    private const string Html = "text/html; charset=UTF-8";

    // Discovery documents and small pages (reference §2.2–2.3, §8, §9.3): no credentials.
    private void MapDiscovery(HttpRouter router)
    {
        router.Map("GET", "/", Route(LandingAsync, HubTokenGuard.None));
        router.Map("GET", "/healthz", Page(_ => "ok"));
        router.Map("GET", "/robots.txt", Page(_ => DiscoveryDocuments.Robots(Options.Origin)));
        router.Map("GET", "/api/v1/info", Json(_ => DiscoveryDocuments.Info(Options.Origin, Options.Version, _service.Transcripts.Store.Storage)));
        router.Map("GET", "/llms.txt", Page(c => DiscoveryDocuments.LlmsTxt(Options.Origin, Options.Version, Presets.Resolve(c.Request.Header("Host")),
            Options.HubToken is not null)));
        router.Map("GET", "/.well-known/mcp.json", Json(_ => DiscoveryDocuments.McpJson(Options.Origin, Options.Version)));
        router.Map("GET", "/.well-known/agent.json", Json(_ => DiscoveryDocuments.AgentCard(Options.Origin, Options.Version)));
        router.Map("GET", "/.well-known/agent-card.json", Json(_ => DiscoveryDocuments.AgentCard(Options.Origin, Options.Version)));
        router.Map("GET", "/policy.txt", Page(_ => DiscoveryDocuments.Policy(Options.Origin)));
        router.Map("GET", "/policy", Page(_ => DiscoveryDocuments.PolicyHtml(Options.Origin), Html));
        router.Map("GET", "/docs/{*rest}", Route(static async (c, _) =>
        {
            c.Response.StatusCode = 302;
            c.Response.ContentType = Text;
            c.Response.AddHeader("Location", "/llms.txt");
            await c.Response.WriteAsync(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
        }, HubTokenGuard.None));
    }

    private Func<HttpContext, RouteValues, ValueTask> Page(Func<HttpContext, string> text, string contentType = Text) =>
        Route(async (c, _) =>
        {
            c.Response.ContentType = contentType;
            await c.Response.WriteAsync(Encoding.UTF8.GetBytes(text(c))).ConfigureAwait(false);
        }, HubTokenGuard.None);

    private Func<HttpContext, RouteValues, ValueTask> Json(Func<HttpContext, byte[]> json) =>
        Route(async (c, _) => await WriteJsonAsync(c, json(c)).ConfigureAwait(false), HubTokenGuard.None);

    private async ValueTask LandingAsync(HttpContext c, RouteValues v)
    {
        var accept = c.Request.Header("Accept") ?? "";
        c.Response.AddHeader("Link", $"<{Options.Origin}/llms.txt>; rel=\"alternate\"; type=\"text/markdown\"");
        if (accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            await WriteJsonAsync(c, DiscoveryDocuments.Info(Options.Origin, Options.Version, _service.Transcripts.Store.Storage)).ConfigureAwait(false);
            return;
        }
        c.Response.ContentType = Html;
        await c.Response.WriteAsync(Encoding.UTF8.GetBytes(DiscoveryDocuments.LandingHtml(Options.Origin))).ConfigureAwait(false);
    }
}
