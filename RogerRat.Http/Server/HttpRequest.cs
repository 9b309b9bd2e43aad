using System.Net;

namespace RogerRat.Http.Server;

/// <summary>A received request: head and whole body (bounded by <see cref="HttpServerLimits.MaxRequestBodySize"/>).</summary>
public sealed class HttpRequest
{
    private readonly HttpRequestHead _head;
    private Dictionary<string, string>? _query;

    internal HttpRequest(HttpRequestHead head, ReadOnlyMemory<byte> body, IPEndPoint? remote)
    {
        _head = head;
        Body = body;
        RemoteEndPoint = remote;
        var target = head.Target;
        if (!target.StartsWith('/'))
        {
            // absolute-form: keep the path and query of the URI.
            var scheme = target.IndexOf("://", StringComparison.Ordinal);
            var slash = scheme < 0 ? -1 : target.IndexOf('/', scheme + 3);
            target = slash < 0 ? "/" : target[slash..];
        }
        var q = target.IndexOf('?');
        RawPath = q < 0 ? target : target[..q];
        QueryString = q < 0 ? "" : target[(q + 1)..];
        Path = Uri.UnescapeDataString(RawPath);
    }

    public string Method => _head.Method;

    /// <summary>The path, percent-decoded.</summary>
    public string Path { get; }

    /// <summary>The path as sent.</summary>
    public string RawPath { get; }

    /// <summary>The query as sent, without the <c>?</c>.</summary>
    public string QueryString { get; }

    /// <summary>"HTTP/1.1" or "HTTP/1.0".</summary>
    public string Protocol => _head.MinorVersion == 1 ? "HTTP/1.1" : "HTTP/1.0";

    public ReadOnlyMemory<byte> Body { get; }

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
