using System.Text;

namespace RogerRat.Http.Server;

/// <summary>Values captured by a route's <c>{name}</c> segments (percent-decoded). Valid while the handler runs: the
/// connection reuses it for its next request.</summary>
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
/// Matching reads the request's path bytes in place: a request to a route without captures allocates nothing, one
/// with captures only the captured strings.
/// </summary>
public sealed class HttpRouter
{
    private static readonly byte[] s_notFound = """{"error":"not found","code":"not_found"}"""u8.ToArray();
    private static readonly byte[] s_methodNotAllowed = """{"error":"method not allowed","code":"method_not_allowed"}"""u8.ToArray();

    // A pattern segment: literal bytes to compare with the raw (undecoded) path segment, or a capture's name.
    private readonly record struct Segment(byte[]? Literal, string? Capture);

    private readonly List<(string Method, Segment[] Segments, Func<HttpContext, RouteValues, ValueTask> Handler)> _routes = [];

    public HttpRouter Map(string method, string pattern, Func<HttpContext, RouteValues, ValueTask> handler)
    {
        if (!pattern.StartsWith('/')) throw new ArgumentException("a pattern starts with '/'", nameof(pattern));
        var segments = pattern.Trim('/').Split('/')
            .Select(s => s.Length > 2 && s[0] == '{' && s[^1] == '}' ? new Segment(null, s[1..^1]) : new Segment(Encoding.UTF8.GetBytes(s), null))
            .ToArray();
        _routes.Add((method.ToUpperInvariant(), segments, handler));
        return this;
    }

    /// <summary>The router as the server's handler.</summary>
    public ValueTask HandleAsync(HttpContext context)
    {
        var path = context.Request.RawPathBytes;
        if (path.SequenceEqual("*"u8)) return AnswerOptions(context, _routes.Select(r => r.Method).ToList());
        path = path.Trim((byte)'/');
        var method = context.Request.Method == "HEAD" ? "GET" : context.Request.Method;
        foreach (var (routeMethod, segments, handler) in _routes)
        {
            if (routeMethod != method || !Matches(segments, path)) continue;
            var values = context.RouteValues;
            Capture(segments, path, values);
            return handler(context, values);
        }
        // No route of this method: the methods of the routes that match the path make Allow.
        List<string>? allowed = null;
        foreach (var (routeMethod, segments, _) in _routes)
        {
            if (Matches(segments, path)) (allowed ??= []).Add(routeMethod);
        }
        if (allowed is not null)
        {
            if (method == "OPTIONS") return AnswerOptions(context, allowed);
            context.Response.AddHeader("Allow", AllowHeader(allowed));
            return Error(context, 405, s_methodNotAllowed);
        }
        return Error(context, 404, s_notFound);
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

    // The path is trimmed of its outer slashes and split on '/', as the pattern was: "/a//b/" has the segments a, "", b.
    private static bool Matches(Segment[] pattern, ReadOnlySpan<byte> path)
    {
        var rest = path;
        for (var i = 0; i < pattern.Length; i++)
        {
            var slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            var last = i == pattern.Length - 1;
            if (last != slash < 0) return false; // fewer or more segments than the pattern
            if (pattern[i].Literal is { } literal ? !segment.SequenceEqual(literal) : segment.IsEmpty) return false;
            if (!last) rest = rest[(slash + 1)..];
        }
        return true;
    }

    private static void Capture(Segment[] pattern, ReadOnlySpan<byte> path, RouteValues values)
    {
        values.Clear();
        var rest = path;
        foreach (var p in pattern)
        {
            var slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            if (p.Capture is { } name) values.Add(name, Uri.UnescapeDataString(Encoding.ASCII.GetString(segment)));
            if (slash >= 0) rest = rest[(slash + 1)..];
        }
    }

    private static async ValueTask Error(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body).ConfigureAwait(false);
    }
}
