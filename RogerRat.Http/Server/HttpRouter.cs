namespace RogerRat.Http.Server;

/// <summary>Values captured by a route's <c>{name}</c> segments (percent-decoded).</summary>
public sealed class RouteValues
{
    private readonly List<KeyValuePair<string, string>> _values = new(2);

    public string? this[string name]
    {
        get
        {
            foreach (var (k, v) in _values)
            {
                if (k == name) return v;
            }
            return null;
        }
    }

    internal void Add(string name, string value) => _values.Add(new(name, value));

    internal void Clear() => _values.Clear();
}

/// <summary>
/// Method + path-pattern routing (<c>/api/channels/{id}/join</c>): the first matching route wins; a path that matches
/// only under other methods answers 405 with <c>Allow</c>, no match at all 404. HEAD is served by GET routes. OPTIONS,
/// unless a route maps it, answers 204 with the path's <c>Allow</c> (for <c>OPTIONS *</c>, every method the router has).
/// </summary>
public sealed class HttpRouter
{
    private readonly List<(string Method, string[] Segments, Func<HttpContext, RouteValues, ValueTask> Handler)> _routes = [];

    public HttpRouter Map(string method, string pattern, Func<HttpContext, RouteValues, ValueTask> handler)
    {
        if (!pattern.StartsWith('/')) throw new ArgumentException("a pattern starts with '/'", nameof(pattern));
        _routes.Add((method.ToUpperInvariant(), Split(pattern), handler));
        return this;
    }

    /// <summary>The router as the server's handler.</summary>
    public ValueTask HandleAsync(HttpContext context)
    {
        if (context.Request.RawPath == "*") return AnswerOptions(context, _routes.Select(r => r.Method).ToList());
        var path = Split(context.Request.RawPath);
        var method = context.Request.Method == "HEAD" ? "GET" : context.Request.Method;
        List<string>? allowed = null;
        var values = new RouteValues();
        foreach (var (routeMethod, segments, handler) in _routes)
        {
            values.Clear();
            if (!Matches(segments, path, values)) continue;
            if (routeMethod == method) return handler(context, values);
            (allowed ??= []).Add(routeMethod);
        }
        if (allowed is not null)
        {
            if (method == "OPTIONS") return AnswerOptions(context, allowed);
            context.Response.AddHeader("Allow", AllowHeader(allowed));
            return Error(context, 405, "method_not_allowed", "method not allowed");
        }
        return Error(context, 404, "not_found", "not found");
    }

    private static async ValueTask AnswerOptions(HttpContext context, List<string> methods)
    {
        methods.Add("OPTIONS");
        context.Response.StatusCode = 204;
        context.Response.AddHeader("Allow", AllowHeader(methods));
        await context.Response.WriteAsync(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
    }

    private static string AllowHeader(List<string> methods)
    {
        if (methods.Contains("GET")) methods.Add("HEAD");
        return string.Join(", ", methods.Distinct());
    }

    private static bool Matches(string[] pattern, string[] path, RouteValues values)
    {
        if (pattern.Length != path.Length) return false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var p = pattern[i];
            if (p.Length > 2 && p[0] == '{' && p[^1] == '}')
            {
                if (path[i].Length == 0) return false;
                values.Add(p[1..^1], Uri.UnescapeDataString(path[i]));
            }
            else if (!string.Equals(p, path[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    private static string[] Split(string path) => path.Trim('/').Split('/');

    private static async ValueTask Error(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(System.Text.Encoding.UTF8.GetBytes($$"""{"error":"{{message}}","code":"{{code}}"}""")).ConfigureAwait(false);
    }
}
