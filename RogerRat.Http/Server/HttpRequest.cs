using System.Net;
using System.Text;

namespace RogerRat.Http.Server;

/// <summary>
/// A received request: head and whole body (bounded by <see cref="HttpServerLimits.MaxRequestBodySize"/>). Valid while
/// its handler runs: the connection reuses the object and the body's buffer for its next request, so a handler that
/// keeps anything past its end copies it.
/// </summary>
internal sealed class HttpRequest
{
    private HttpRequestHead _head = null!;
    private Dictionary<string, string>? _query;
    private string? _rawPath;
    private string? _queryString;
    private string? _path;

    // One per connection, reset for each request: a request costs no object of its own.
    internal HttpRequest(IPEndPoint? remote) => RemoteEndPoint = remote;

    internal void Reset(HttpRequestHead head, ReadOnlyMemory<byte> body)
    {
        _head = head;
        Body = body;
        _query = null;
        _rawPath = _queryString = _path = null;
    }

    private void SplitTarget()
    {
        _rawPath = Encoding.ASCII.GetString(PathOf(_head.Span(_head.TargetRange), out var query));
        _queryString = Encoding.ASCII.GetString(query);
    }

    // The path and query of the target as sent: asterisk-form ("*", OPTIONS only) is the server as a whole, and
    // absolute-form keeps the path and query of the URI.
    private static ReadOnlySpan<byte> PathOf(ReadOnlySpan<byte> target, out ReadOnlySpan<byte> query)
    {
        query = default;
        if (target.SequenceEqual("*"u8)) return target;
        if (target.IsEmpty || target[0] != (byte)'/')
        {
            var scheme = target.IndexOf("://"u8);
            var slash = scheme < 0 ? -1 : target[(scheme + 3)..].IndexOf((byte)'/');
            target = slash < 0 ? "/"u8 : target[(scheme + 3 + slash)..];
        }
        var q = target.IndexOf((byte)'?');
        if (q < 0) return target;
        query = target[(q + 1)..];
        return target[..q];
    }

    /// <summary>The path as sent, read in place (no string): valid while the handler runs.</summary>
    internal ReadOnlySpan<byte> RawPathBytes => PathOf(_head.Span(_head.TargetRange), out _);

    public string Method => _head.Method;

    /// <summary>The path, percent-decoded except <c>%2F</c>, which stays as sent (as in Kestrel): the decoded path has
    /// exactly the raw path's '/' separators, so <c>/a%2Fb</c> is one segment, never two (made on first use).</summary>
    public string Path => _path ??= DecodePath(RawPath);

    private static string DecodePath(string raw)
    {
        if (!raw.Contains('%')) return raw;
        var decoded = new StringBuilder(raw.Length);
        var start = 0;
        for (int slash; (slash = raw.IndexOf("%2F", start, StringComparison.OrdinalIgnoreCase)) >= 0; start = slash + 3)
        {
            decoded.Append(Uri.UnescapeDataString(raw[start..slash])).Append(raw, slash, 3);
        }
        return decoded.Append(Uri.UnescapeDataString(raw[start..])).ToString();
    }

    /// <summary>The path as sent.</summary>
    public string RawPath
    {
        get
        {
            if (_rawPath is null) SplitTarget();
            return _rawPath!;
        }
    }

    /// <summary>The query as sent, without the <c>?</c>.</summary>
    public string QueryString
    {
        get
        {
            if (_queryString is null) SplitTarget();
            return _queryString!;
        }
    }

    /// <summary>"HTTP/1.1" or "HTTP/1.0".</summary>
    public string Protocol => _head.MinorVersion == 1 ? "HTTP/1.1" : "HTTP/1.0";

    public ReadOnlyMemory<byte> Body { get; private set; }

    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>All headers as strings (made on first use; <see cref="Header"/> makes only the one asked for).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _head.Headers;

    /// <summary>The first header of that name (case-insensitive), or null.</summary>
    public string? Header(string name) => _head.Header(name);

    /// <summary>A decoded query parameter (first occurrence), or null.</summary>
    public string? Query(string name)
    {
        if (_query is null)
        {
            _query = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var part in QueryString.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=');
                var key = Decode(eq < 0 ? part : part[..eq]);
                _query.TryAdd(key, eq < 0 ? "" : Decode(part[(eq + 1)..]));
            }
        }
        return _query.TryGetValue(name, out var v) ? v : null;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}
