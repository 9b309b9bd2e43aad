using RogerRat.Core;

namespace RogerRat.Http.Api;

public sealed partial class RestApi
{
    // Discovery documents and small pages (reference §2.2–2.3, §8, §9.3).
    private ApiResponse Discovery(IApiRequest r, bool get)
    {
        var path = r.Path;
        if (path.StartsWith("/docs/", StringComparison.Ordinal) || path == "/docs")
        {
            return get ? new ApiResponse(302, ApiResponse.Text, []).WithHeader("Location", "/llms.txt") : MethodNotAllowed(r, "GET");
        }
        Func<IApiRequest, ApiResponse>? page = path switch
        {
            "/" => Landing,
            "/healthz" => static _ => ApiResponse.PlainText(200, "ok"),
            "/robots.txt" => _ => ApiResponse.PlainText(200, DiscoveryDocuments.Robots(_options.Origin)),
            "/api/v1/info" => _ => new ApiResponse(200, ApiResponse.Json, DiscoveryDocuments.Info(_options.Origin, _options.Version)),
            "/llms.txt" => req => ApiResponse.PlainText(200, DiscoveryDocuments.LlmsTxt(_options.Origin, _options.Version, Presets.Resolve(req.Header("Host")), _options.HubToken is not null)),
            "/.well-known/mcp.json" => _ => new ApiResponse(200, ApiResponse.Json, DiscoveryDocuments.McpJson(_options.Origin, _options.Version)),
            "/.well-known/agent.json" or "/.well-known/agent-card.json" =>
                _ => new ApiResponse(200, ApiResponse.Json, DiscoveryDocuments.AgentCard(_options.Origin, _options.Version)),
            "/policy.txt" => _ => ApiResponse.PlainText(200, DiscoveryDocuments.Policy(_options.Origin)),
            "/policy" => _ => ApiResponse.PlainText(200, DiscoveryDocuments.PolicyHtml(_options.Origin), ApiResponse.Html),
            _ => null,
        };
        if (page is null) return ErrorResponse(s_notFound);
        return get ? page(r) : MethodNotAllowed(r, "GET");
    }

    private ApiResponse Landing(IApiRequest r)
    {
        var accept = r.Header("Accept") ?? "";
        var response = accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) && !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)
            ? new ApiResponse(200, ApiResponse.Json, DiscoveryDocuments.Info(_options.Origin, _options.Version))
            : ApiResponse.PlainText(200, DiscoveryDocuments.LandingHtml(_options.Origin), ApiResponse.Html);
        return response.WithHeader("Link", $"<{_options.Origin}/llms.txt>; rel=\"alternate\"; type=\"text/markdown\"");
    }
}
