using System.Text;

namespace RogerRat.Http.Server;

/// <summary>Values captured by a route's <c>{name}</c> segments (percent-decoded). Valid while the handler runs: the
/// connection reuses it for its next request.</summary>
internal sealed class RouteValues
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
/// Method + path-pattern routing (<c>/api/channels/{id}/join</c>; a last segment <c>{*rest}</c> takes any remaining
/// segments, none included): the first matching route wins; a path that matches only under other methods answers 405
/// with <c>Allow</c>, no match at all 404 (both through replaceable answers, so a face keeps its own error shape). HEAD
/// is served by GET routes unless a route opts out (a GET with effects). OPTIONS, unless a route maps it, answers 204
/// with the path's <c>Allow</c> (for <c>OPTIONS *</c>, every method the router has). Matching reads the request's path
/// bytes in place: a request to a route without captures allocates nothing, one with captures only the captured strings.
/// </summary>
internal sealed class HttpRouter
{
    private static readonly byte[] s_notFound = """{"error":"not found","code":"not_found"}"""u8.ToArray();
    private static readonly byte[] s_methodNotAllowed = """{"error":"method not allowed","code":"method_not_allowed"}"""u8.ToArray();
    private static readonly string[] s_methodOrder = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    // A pattern segment: literal bytes to compare with the raw (undecoded) path segment, or a capture's name.
    private readonly record struct Segment(byte[]? Literal, string? Capture, bool Rest = false);

    private readonly record struct Route(string Method, Segment[] Segments, Func<HttpContext, RouteValues, ValueTask> Handler, bool ServesHead);

    private readonly List<Route> _routes = [];

    /// <summary>Answers a path no route matches; the default writes <c>{"error":"not found","code":"not_found"}</c>.</summary>
    public Func<HttpContext, ValueTask> NotFound { get; set; } = static c => Error(c, 404, s_notFound);

    /// <summary>Answers a method the path has no route for, given its <c>Allow</c> value (already sent as the header).</summary>
    public Func<HttpContext, string, ValueTask> MethodNotAllowed { get; set; } = static (c, _) => Error(c, 405, s_methodNotAllowed);

    /// <summary>Maps <paramref name="method"/> on <paramref name="pattern"/>. <paramref name="servesHead"/> is false for a
    /// GET with effects (one that takes messages): HEAD would take them without showing them.</summary>
    public HttpRouter Map(string method, string pattern, Func<HttpContext, RouteValues, ValueTask> handler, bool servesHead = true)
    {
        if (!pattern.StartsWith('/')) throw new ArgumentException("a pattern starts with '/'", nameof(pattern));
        var parts = pattern.Trim('/').Split('/');
        var segments = new Segment[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var s = parts[i];
            var capture = s.Length > 2 && s[0] == '{' && s[^1] == '}';
            var rest = capture && s[1] == '*';
            if (rest && i != parts.Length - 1) throw new ArgumentException("{*name} is the last segment", nameof(pattern));
            segments[i] = capture ? new Segment(null, rest ? s[2..^1] : s[1..^1], rest) : new Segment(Encoding.UTF8.GetBytes(s), null);
        }
        _routes.Add(new(method.ToUpperInvariant(), segments, handler, servesHead));
        return this;
    }

    /// <summary>Maps one handler under several methods.</summary>
    public HttpRouter Map(string[] methods, string pattern, Func<HttpContext, RouteValues, ValueTask> handler)
    {
        foreach (var method in methods) Map(method, pattern, handler);
        return this;
    }

    /// <summary>The router as the server's handler.</summary>
    public ValueTask HandleAsync(HttpContext context)
    {
        var path = context.Request.RawPathBytes;
        if (path.SequenceEqual("*"u8)) return AnswerOptions(context, AllowHeader(_routes, static _ => true, options: true));
        path = path.Trim((byte)'/');
        var head = context.Request.Method == "HEAD";
        var method = head ? "GET" : context.Request.Method;
        foreach (var route in _routes)
        {
            if (route.Method != method || (head && !route.ServesHead) || !Matches(route.Segments, path)) continue;
            var values = context.RouteValues;
            Capture(route.Segments, path, values);
            return route.Handler(context, values);
        }
        return Unmatched(context, path.ToArray());
    }

    // No route of this method: the methods of the routes that match the path make Allow. Off the matched path, so the
    // closure it needs costs nothing when a route matches.
    private ValueTask Unmatched(HttpContext context, byte[] path)
    {
        bool MatchesPath(Route r) => Matches(r.Segments, path);
        if (!_routes.Exists(MatchesPath)) return NotFound(context);
        if (context.Request.Method == "OPTIONS") return AnswerOptions(context, AllowHeader(_routes, MatchesPath, options: true));
        var allow = AllowHeader(_routes, MatchesPath, options: false);
        context.Response.AddHeader("Allow", allow);
        return MethodNotAllowed(context, allow);
    }

    private static async ValueTask AnswerOptions(HttpContext context, string allow)
    {
        context.Response.StatusCode = 204;
        context.Response.AddHeader("Allow", allow);
        await context.Response.WriteAsync(ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
    }

    // Methods in one fixed order, whatever the order of the routes: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.
    private static string AllowHeader(List<Route> routes, Func<Route, bool> include, bool options)
    {
        var methods = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (!include(route)) continue;
            methods.Add(route.Method);
            if (route.Method == "GET" && route.ServesHead) methods.Add("HEAD");
        }
        if (options) methods.Add("OPTIONS");
        var ordered = s_methodOrder.Where(methods.Contains).Concat(methods.Where(m => !s_methodOrder.Contains(m)).Order(StringComparer.Ordinal));
        return string.Join(", ", ordered);
    }

    // The path is trimmed of its outer slashes and split on '/', as the pattern was: "/a//b/" has the segments a, "", b.
    private static bool Matches(Segment[] pattern, ReadOnlySpan<byte> path)
    {
        var rest = path;
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i].Rest) return true;
            var slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            var last = i == pattern.Length - 1;
            if (slash < 0 && i + 1 < pattern.Length && pattern[i + 1].Rest)
            {
                // "/docs" matches "/docs/{*rest}": the rest is empty.
                return pattern[i].Literal is { } l ? segment.SequenceEqual(l) : !segment.IsEmpty;
            }
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
            if (p.Rest)
            {
                values.Add(p.Capture!, Uri.UnescapeDataString(Encoding.ASCII.GetString(rest)));
                return;
            }
            var slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            if (p.Capture is { } name) values.Add(name, Uri.UnescapeDataString(Encoding.ASCII.GetString(segment)));
            rest = slash >= 0 ? rest[(slash + 1)..] : [];
        }
    }

    private static async ValueTask Error(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body).ConfigureAwait(false);
    }
}
