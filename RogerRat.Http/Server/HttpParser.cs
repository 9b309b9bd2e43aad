using System.Buffers;
using System.Text;

namespace RogerRat.Http.Server;

/// <summary>
/// RFC 9112 request-head parser. Incremental: <see cref="TryParseHead"/> returns false (consuming nothing) until the
/// whole head is buffered, so a head split at any point parses as in one piece. Strict where smuggling lives: bare CR
/// or LF, obs-fold, control characters, whitespace before a colon, bad or conflicting Content-Length,
/// Transfer-Encoding with Content-Length or on HTTP/1.0, missing or duplicate Host are all 400.
/// </summary>
internal static class HttpParser
{
    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    private static readonly SearchValues<byte> s_tchar =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    public static bool TryParseHead(ReadOnlySequence<byte> buffer, HttpServerLimits limits, out SequencePosition consumed, out HttpRequestHead? head)
    {
        consumed = buffer.Start;
        head = null;
        // RFC 9112 §2.2: ignore at least one empty line before the request line.
        var skipped = 0L;
        var probe = new SequenceReader<byte>(buffer);
        while (probe.IsNext("\r\n"u8, advancePast: true)) skipped += 2;
        if (skipped > 0)
        {
            buffer = buffer.Slice(skipped);
            if (buffer.IsEmpty)
            {
                consumed = buffer.Start;
                return false;
            }
        }

        var maxHead = (long)limits.MaxRequestLineSize + limits.MaxRequestHeadersTotalSize + 4;
        var window = buffer.Length > maxHead ? buffer.Slice(0, maxHead) : buffer;
        var reader = new SequenceReader<byte>(window);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> headBytes, HeadEnd, advancePastDelimiter: true))
        {
            // Not complete yet: decide whether it can still become valid within the limits.
            var lf = window.PositionOf((byte)'\n');
            var lineLength = lf is { } p ? window.Slice(0, p).Length : window.Length;
            if (lineLength > limits.MaxRequestLineSize) throw new HttpRejection(414, "uri_too_long", "request line too long");
            if (buffer.Length >= maxHead) throw new HttpRejection(431, "headers_too_large", "request header fields too large");
            CheckPartialHead(window);
            return false;
        }

        var length = (int)headBytes.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            headBytes.CopyTo(rented);
            head = ParseHead(rented.AsSpan(0, length), limits);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        consumed = reader.Position;
        return true;
    }

    // A head that is already malformed need not wait for the rest: a bare LF or CR (which would also keep the
    // CRLFCRLF terminator from ever appearing), or a NUL or control character in the request line.
    private static void CheckPartialHead(ReadOnlySequence<byte> partial)
    {
        var previous = (byte)0;
        var inRequestLine = true;
        foreach (var segment in partial)
        {
            foreach (var b in segment.Span)
            {
                if (b == (byte)'\n' && previous != (byte)'\r') throw HttpRejection.BadRequest("bare LF in request head");
                if (previous == (byte)'\r' && b != (byte)'\n') throw HttpRejection.BadRequest("bare CR in request head");
                if (b == (byte)'\n') inRequestLine = false;
                else if (inRequestLine && b != (byte)'\r' && (b < 0x20 || b == 0x7F)) throw HttpRejection.BadRequest("invalid character in request line");
                previous = b;
            }
        }
    }

    private static HttpRequestHead ParseHead(ReadOnlySpan<byte> head, HttpServerLimits limits)
    {
        // head ends right before the final CRLFCRLF; every line inside ends with CRLF except the last.
        var lineEnd = IndexOfLineEnd(head);
        var requestLine = lineEnd < 0 ? head : head[..lineEnd];
        if (requestLine.Length > limits.MaxRequestLineSize) throw new HttpRejection(414, "uri_too_long", "request line too long");
        var (method, target, minor) = ParseRequestLine(requestLine);

        var headers = new List<KeyValuePair<string, string>>(8);
        var rest = lineEnd < 0 ? ReadOnlySpan<byte>.Empty : head[(lineEnd + 2)..];
        if (rest.Length > limits.MaxRequestHeadersTotalSize) throw new HttpRejection(431, "headers_too_large", "request header fields too large");
        while (!rest.IsEmpty)
        {
            var end = IndexOfLineEnd(rest);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? ReadOnlySpan<byte>.Empty : rest[(end + 2)..];
            if (line.IsEmpty) throw HttpRejection.BadRequest("empty header line");
            if (headers.Count >= limits.MaxRequestHeaderCount) throw new HttpRejection(431, "headers_too_large", "too many header fields");
            headers.Add(ParseHeaderLine(line));
        }

        var result = new HttpRequestHead { Method = method, Target = target, MinorVersion = minor, Headers = headers };
        ApplyFraming(result);
        return result;
    }

    /// <summary>Index of the next CRLF; a CR or LF on its own anywhere is a 400.</summary>
    private static int IndexOfLineEnd(ReadOnlySpan<byte> s)
    {
        var i = s.IndexOfAny((byte)'\r', (byte)'\n');
        if (i < 0) return -1;
        if (s[i] == (byte)'\n') throw HttpRejection.BadRequest("bare LF in request head");
        if (i + 1 >= s.Length || s[i + 1] != (byte)'\n') throw HttpRejection.BadRequest("bare CR in request head");
        return i;
    }

    private static (string Method, string Target, int Minor) ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0) throw HttpRejection.BadRequest("malformed request line");
        var method = line[..sp1];
        if (method.ContainsAnyExcept(s_tchar)) throw HttpRejection.BadRequest("invalid method");
        var afterMethod = line[(sp1 + 1)..];
        var sp2 = afterMethod.IndexOf((byte)' ');
        if (sp2 <= 0) throw HttpRejection.BadRequest("malformed request line");
        var target = afterMethod[..sp2];
        var version = afterMethod[(sp2 + 1)..];
        foreach (var b in target)
        {
            if (b is <= 0x20 or >= 0x7F) throw HttpRejection.BadRequest("invalid character in request target");
        }
        if (target[0] != (byte)'/' && !(target.Length == 1 && target[0] == (byte)'*') && !target.StartsWith("http://"u8) && !target.StartsWith("https://"u8))
        {
            throw HttpRejection.BadRequest("invalid request target");
        }
        int minor;
        if (version.SequenceEqual("HTTP/1.1"u8)) minor = 1;
        else if (version.SequenceEqual("HTTP/1.0"u8)) minor = 0;
        else if (version.Length == 8 && version.StartsWith("HTTP/"u8) && char.IsAsciiDigit((char)version[5]) && version[6] == (byte)'.' && char.IsAsciiDigit((char)version[7]))
        {
            throw new HttpRejection(505, "http_version_not_supported", "HTTP version not supported");
        }
        else throw HttpRejection.BadRequest("malformed HTTP version");
        return (Encoding.ASCII.GetString(method), Encoding.ASCII.GetString(target), minor);
    }

    private static KeyValuePair<string, string> ParseHeaderLine(ReadOnlySpan<byte> line)
    {
        if (line[0] is (byte)' ' or (byte)'\t') throw HttpRejection.BadRequest("obsolete line folding is not allowed");
        var colon = line.IndexOf((byte)':');
        if (colon < 0) throw HttpRejection.BadRequest("header line without a colon");
        if (colon == 0) throw HttpRejection.BadRequest("empty header name");
        var name = line[..colon];
        if (name.ContainsAnyExcept(s_tchar)) throw HttpRejection.BadRequest("invalid header name (whitespace before the colon or a bad character)");
        var value = line[(colon + 1)..];
        foreach (var b in value)
        {
            if (b is < 0x20 and not (byte)'\t' || b == 0x7F) throw HttpRejection.BadRequest("control character in a header value");
        }
        value = value.Trim(" \t"u8);
        return new(Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value));
    }

    // RFC 9112 §6: message framing, with the smuggling shapes refused.
    private static void ApplyFraming(HttpRequestHead head)
    {
        string? host = null;
        var hostCount = 0;
        string? transferEncoding = null;
        foreach (var (name, value) in head.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                hostCount++;
                host = value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                var length = ParseContentLength(value);
                if (head.ContentLength is { } previous && previous != length) throw HttpRejection.BadRequest("conflicting Content-Length");
                head.ContentLength = length;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferEncoding = transferEncoding is null ? value : transferEncoding + "," + value;
            }
        }
        if (head.MinorVersion == 1 && hostCount == 0) throw HttpRejection.BadRequest("missing Host header");
        if (hostCount > 1) throw HttpRejection.BadRequest("duplicate Host header");
        if (host is not null && host.AsSpan().IndexOfAny(" \t/\\@?#".AsSpan()) >= 0) throw HttpRejection.BadRequest("invalid Host header");

        if (transferEncoding is not null)
        {
            // We reject Content-Length together with Transfer-Encoding outright (RFC 9112 §6.1 allows processing as
            // chunked and closing; refusing leaves no room for a front end to disagree with us).
            if (head.ContentLength is not null) throw HttpRejection.BadRequest("both Content-Length and Transfer-Encoding");
            if (head.MinorVersion == 0) throw HttpRejection.BadRequest("Transfer-Encoding on HTTP/1.0");
            var codings = transferEncoding.Split(',', StringSplitOptions.TrimEntries);
            if (!codings[^1].Equals("chunked", StringComparison.OrdinalIgnoreCase)) throw HttpRejection.BadRequest("Transfer-Encoding must end with chunked");
            if (codings.Length > 1) throw new HttpRejection(501, "not_implemented", "only the chunked transfer coding is supported");
            head.Chunked = true;
        }

        var connection = head.Header("Connection");
        var close = HasToken(connection, "close");
        head.KeepAlive = head.MinorVersion == 1 ? !close : HasToken(connection, "keep-alive") && !close;

        var expect = head.Header("Expect");
        if (expect is not null)
        {
            if (!expect.Equals("100-continue", StringComparison.OrdinalIgnoreCase)) throw new HttpRejection(417, "expectation_failed", "unsupported expectation");
            head.ExpectContinue = head.MinorVersion == 1;
        }
    }

    private static long ParseContentLength(string value)
    {
        if (value.Length is 0 or > 18) throw HttpRejection.BadRequest("invalid Content-Length");
        long n = 0;
        foreach (var c in value)
        {
            if (c is < '0' or > '9') throw HttpRejection.BadRequest("invalid Content-Length");
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static bool HasToken(string? list, string token)
    {
        if (list is null) return false;
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Equals(token, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
