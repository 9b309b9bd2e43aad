using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace RogerRat.Http.Server;

/// <summary>
/// RFC 9112 request-head parser. Incremental: TryParseHead returns false (consuming nothing) until the
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

    // Host = uri-host [ ":" port ]: unreserved, pct-encoded, sub-delims, ':' and the IP-literal brackets.
    private static readonly SearchValues<byte> s_hostChar =
        SearchValues.Create("-._~%!$&'()*+,;=:[]0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>Parses into a new head (tests); the server reuses one head per connection through the other overload.</summary>
    public static bool TryParseHead(ReadOnlySequence<byte> buffer, HttpServerLimits limits, out SequencePosition consumed, out HttpRequestHead? head)
    {
        var fresh = new HttpRequestHead();
        var ok = TryParseHead(buffer, limits, fresh, out consumed);
        head = ok ? fresh : null;
        return ok;
    }

    public static bool TryParseHead(ReadOnlySequence<byte> buffer, HttpServerLimits limits, HttpRequestHead head, out SequencePosition consumed)
    {
        consumed = buffer.Start;
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

        // request line, its CRLF, the header block, the final CRLFCRLF
        var maxHead = (long)limits.MaxRequestLineSize + 2 + limits.MaxRequestHeadersTotalSize + 4;
        var window = buffer.Length > maxHead ? buffer.Slice(0, maxHead) : buffer;
        // What earlier calls already looked at (whole lines checked, and the unfinished line's bytes so far) is not
        // scanned again, so a head that trickles in costs about one pass, however long its lines.
        var scanned = Math.Max(head.PartialChecked, head.PartialScanned);
        var reader = new SequenceReader<byte>(window);
        reader.Advance(Math.Max(0, scanned - 3));
        if (!reader.TryReadTo(out ReadOnlySequence<byte> _, HeadEnd, advancePastDelimiter: true))
        {
            // Not complete yet: decide whether it can still become valid within the limits.
            if (head.PartialChecked == 0 && RequestLineLengthSoFar(window) > limits.MaxRequestLineSize)
            {
                Span<byte> start = stackalloc byte[(int)Math.Min(window.Length, MethodProbeLength)];
                window.Slice(0, start.Length).CopyTo(start);
                ThrowRequestLineTooLong(start);
            }
            if (buffer.Length >= maxHead) HttpRejection.Throw(RequestRejectionReason.HeadersTooLarge);
            var previous = scanned > 0 ? window.Slice(scanned - 1, 1).FirstSpan[0] : (byte)0;
            CheckPartialHead(window.Slice(scanned), previous, inRequestLine: head.PartialChecked == 0);
            CheckCompleteLines(window, head, scanned);
            head.PartialScanned = (int)window.Length;
            return false;
        }

        var headBytes = window.Slice(0, reader.Consumed - HeadEnd.Length);
        var bytes = head.Reset((int)headBytes.Length);
        headBytes.CopyTo(bytes);
        ParseHead(bytes, head, limits);
        consumed = reader.Position;
        return true;
    }

    // Length of the request line received so far, without its CR (a line of exactly the limit is allowed).
    private static long RequestLineLengthSoFar(ReadOnlySequence<byte> window)
    {
        var lf = window.PositionOf((byte)'\n');
        var line = lf is { } p ? window.Slice(0, p) : window;
        return !line.IsEmpty && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r' ? line.Length - 1 : line.Length;
    }

    // How much of an over-long request line is looked at to tell a long method from a long target.
    private const int MethodProbeLength = 256;

    // 414 when the target is what is too long; a method that never ends (no space within the limit) or is not a token
    // is a malformed request line, 400.
    [DoesNotReturn, StackTraceHidden]
    private static void ThrowRequestLineTooLong(ReadOnlySpan<byte> start)
    {
        var sp = start.IndexOf((byte)' ');
        var methodOk = sp > 0 && !start[..sp].ContainsAnyExcept(s_tchar);
        HttpRejection.Throw(methodOk ? RequestRejectionReason.RequestLineTooLong : RequestRejectionReason.MalformedRequestLine);
    }

    // The lines of an unfinished head that are already whole are checked now (request line in full, header lines for
    // their syntax), so a malformed request is answered at once rather than after the headers timeout. Each line is
    // checked once (the head remembers how far it got), so a client trickling a head costs linear work. Framing rules
    // wait for the whole head.
    // searchFrom: no LF lies between the last checked line and it (an earlier call scanned those bytes).
    private static void CheckCompleteLines(ReadOnlySequence<byte> partial, HttpRequestHead head, long searchFrom)
    {
        var from = head.PartialChecked;
        var lastLf = -1L;
        var reader = new SequenceReader<byte>(partial.Slice(searchFrom));
        while (reader.TryAdvanceTo((byte)'\n')) lastLf = searchFrom + reader.Consumed - 1;
        if (lastLf < 0) return;
        var length = (int)(lastLf - from) + 1;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var bytes = rented.AsSpan(0, length);
            partial.Slice(from, length).CopyTo(bytes);
            var offset = 0;
            if (from == 0)
            {
                var end = IndexOfLineEnd(bytes);
                ParseRequestLine(bytes[..end], head);
                offset = end + 2;
            }
            while (offset < length)
            {
                var lineEnd = IndexOfLineEnd(bytes[offset..]);
                if (lineEnd == 0) HttpRejection.Throw(RequestRejectionReason.EmptyHeaderLine);
                CheckHeaderLine(bytes.Slice(offset, lineEnd));
                offset += lineEnd + 2;
            }
            head.PartialChecked = from + length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // A head that is already malformed need not wait for the rest: a bare LF or CR (which would also keep the
    // CRLFCRLF terminator from ever appearing), or a NUL or control character in the request line.
    // Scans only bytes no earlier call scanned; previous is the byte before them.
    private static void CheckPartialHead(ReadOnlySequence<byte> partial, byte previous, bool inRequestLine)
    {
        foreach (var segment in partial)
        {
            foreach (var b in segment.Span)
            {
                if (b == (byte)'\n' && previous != (byte)'\r') HttpRejection.Throw(RequestRejectionReason.BareLineFeedInHead);
                if (previous == (byte)'\r' && b != (byte)'\n') HttpRejection.Throw(RequestRejectionReason.BareCarriageReturnInHead);
                if (b == (byte)'\n') inRequestLine = false;
                else if (inRequestLine && b != (byte)'\r' && (b < 0x20 || b == 0x7F)) HttpRejection.Throw(RequestRejectionReason.InvalidCharacterInRequestLine);
                previous = b;
            }
        }
    }

    private static void ParseHead(ReadOnlySpan<byte> bytes, HttpRequestHead head, HttpServerLimits limits)
    {
        // bytes end right before the final CRLFCRLF; every line inside ends with CRLF except the last.
        var lineEnd = IndexOfLineEnd(bytes);
        var requestLineLength = lineEnd < 0 ? bytes.Length : lineEnd;
        if (requestLineLength > limits.MaxRequestLineSize) ThrowRequestLineTooLong(bytes[..limits.MaxRequestLineSize]);
        ParseRequestLine(bytes[..requestLineLength], head);

        var offset = lineEnd < 0 ? bytes.Length : lineEnd + 2;
        if (bytes.Length - offset > limits.MaxRequestHeadersTotalSize) HttpRejection.Throw(RequestRejectionReason.HeadersTooLarge);
        while (offset < bytes.Length)
        {
            var rest = bytes[offset..];
            var end = IndexOfLineEnd(rest);
            var lineLength = end < 0 ? rest.Length : end;
            if (lineLength == 0) HttpRejection.Throw(RequestRejectionReason.EmptyHeaderLine);
            if (head.HeaderCount >= limits.MaxRequestHeaderCount) HttpRejection.Throw(RequestRejectionReason.TooManyHeaders);
            ParseHeaderLine(bytes, offset, lineLength, head);
            offset += end < 0 ? rest.Length : end + 2;
        }
        ApplyFraming(bytes, head);
    }

    /// <summary>Index of the next CRLF; a CR or LF on its own anywhere is a 400.</summary>
    private static int IndexOfLineEnd(ReadOnlySpan<byte> s)
    {
        var i = s.IndexOfAny((byte)'\r', (byte)'\n');
        if (i < 0) return -1;
        if (s[i] == (byte)'\n') HttpRejection.Throw(RequestRejectionReason.BareLineFeedInHead);
        if (i + 1 >= s.Length || s[i + 1] != (byte)'\n') HttpRejection.Throw(RequestRejectionReason.BareCarriageReturnInHead);
        return i;
    }

    private static void ParseRequestLine(ReadOnlySpan<byte> line, HttpRequestHead head)
    {
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0) HttpRejection.Throw(RequestRejectionReason.MalformedRequestLine);
        var method = line[..sp1];
        if (method.ContainsAnyExcept(s_tchar)) HttpRejection.Throw(RequestRejectionReason.InvalidMethod);
        var afterMethod = line[(sp1 + 1)..];
        var sp2 = afterMethod.IndexOf((byte)' ');
        if (sp2 <= 0) HttpRejection.Throw(RequestRejectionReason.MalformedRequestLine);
        var target = afterMethod[..sp2];
        var version = afterMethod[(sp2 + 1)..];
        foreach (var b in target)
        {
            // A fragment is never part of a request-target (RFC 9112 §3.2): '#' is refused with the control characters.
            // So is '\', never valid in a URI (RFC 3986) and read as '/' by some servers behind or in front of us.
            if (b is <= 0x20 or >= 0x7F or (byte)'#' or (byte)'\\') HttpRejection.Throw(RequestRejectionReason.InvalidCharacterInRequestTarget);
        }
        var options = method.SequenceEqual("OPTIONS"u8);
        var connect = method.SequenceEqual("CONNECT"u8);
        var absolute = StartsWithIgnoreCase(target, "http://"u8) || StartsWithIgnoreCase(target, "https://"u8); // a scheme is case-insensitive (RFC 3986 §3.1)
        head.AbsoluteForm = absolute;
        if (connect)
        {
            // authority-form is CONNECT's only form; a well-formed one is understood and refused (we are no proxy).
            if (!IsAuthorityForm(target)) HttpRejection.Throw(RequestRejectionReason.ConnectWithoutAuthorityForm);
        }
        else if (target.Length == 1 && target[0] == (byte)'*')
        {
            if (!options) HttpRejection.Throw(RequestRejectionReason.AsteriskFormWithoutOptions);
        }
        else if (target[0] != (byte)'/' && !absolute)
        {
            HttpRejection.Throw(RequestRejectionReason.InvalidRequestTarget);
        }
        if (version.SequenceEqual("HTTP/1.1"u8)) head.MinorVersion = 1;
        else if (version.SequenceEqual("HTTP/1.0"u8)) head.MinorVersion = 0;
        else if (version.Length == 8 && version.StartsWith("HTTP/"u8) && char.IsAsciiDigit((char)version[5]) && version[6] == (byte)'.' && char.IsAsciiDigit((char)version[7]))
        {
            HttpRejection.Throw(RequestRejectionReason.HttpVersionNotSupported);
        }
        else HttpRejection.Throw(RequestRejectionReason.MalformedHttpVersion);
        head.MethodRange = new HttpRequestHead.Range(0, sp1);
        head.TargetRange = new HttpRequestHead.Range(sp1 + 1, sp2);
        if (connect) HttpRejection.Throw(RequestRejectionReason.ConnectNotSupported);
    }

    // host ":" port, the port all digits (RFC 9112 §3.2.3).
    private static bool IsAuthorityForm(ReadOnlySpan<byte> target)
    {
        var colon = target.LastIndexOf((byte)':');
        if (colon <= 0 || colon == target.Length - 1) return false;
        return IsHost(target[..colon]) && !target[(colon + 1)..].ContainsAnyExceptInRange((byte)'0', (byte)'9');
    }

    // uri-host [ ":" port ]: reg-name, IPv4 or IP-literal characters only (RFC 3986 §3.2.2).
    private static bool IsHost(ReadOnlySpan<byte> host) => !host.IsEmpty && !host.ContainsAnyExcept(s_hostChar);

    private static void ParseHeaderLine(ReadOnlySpan<byte> bytes, int start, int length, HttpRequestHead head)
    {
        var line = bytes.Slice(start, length);
        var colon = CheckHeaderLine(line);
        var valueStart = colon + 1;
        var valueEnd = line.Length;
        while (valueStart < valueEnd && line[valueStart] is (byte)' ' or (byte)'\t') valueStart++;
        while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t') valueEnd--;
        head.AddHeader(new HttpRequestHead.Range(start, colon), new HttpRequestHead.Range(start + valueStart, valueEnd - valueStart));
    }

    /// <summary>field-line syntax (RFC 9112 §5): no fold, a token name right before the colon, no control
    /// characters in the value. Returns the colon's index.</summary>
    private static int CheckHeaderLine(ReadOnlySpan<byte> line)
    {
        if (line[0] is (byte)' ' or (byte)'\t') HttpRejection.Throw(RequestRejectionReason.ObsoleteLineFolding);
        var colon = line.IndexOf((byte)':');
        if (colon < 0) HttpRejection.Throw(RequestRejectionReason.HeaderLineWithoutColon);
        if (colon == 0) HttpRejection.Throw(RequestRejectionReason.EmptyHeaderName);
        if (line[..colon].ContainsAnyExcept(s_tchar)) HttpRejection.Throw(RequestRejectionReason.InvalidHeaderName);
        foreach (var b in line[(colon + 1)..])
        {
            if (b is < 0x20 and not (byte)'\t' || b == 0x7F) HttpRejection.Throw(RequestRejectionReason.ControlCharacterInHeaderValue);
        }
        return colon;
    }

    // RFC 9112 §6: message framing, with the smuggling shapes refused. Works on the byte ranges: no strings.
    private static void ApplyFraming(ReadOnlySpan<byte> bytes, HttpRequestHead head)
    {
        var hostCount = 0;
        var hostValue = default(HttpRequestHead.Range);
        var contentTypeCount = 0;
        var teCount = 0;
        var connectionClose = false;
        var connectionKeepAlive = false;
        var expectCount = 0;
        var expectContinue = true;
        var transferEncodingFinalChunked = false;
        var transferCodings = 0;
        for (var i = 0; i < head.HeaderCount; i++)
        {
            ref var h = ref head.HeaderAt(i);
            var name = bytes.Slice(h.Name.Start, h.Name.Length);
            var value = bytes.Slice(h.Value.Start, h.Value.Length);
            if (Ascii.EqualsIgnoreCase(name, "Host"u8))
            {
                hostCount++;
                hostValue = h.Value;
                // Empty only when the target has no authority, which an origin server's never lacks (RFC 9112 §3.2).
                if (!IsHost(value)) HttpRejection.Throw(RequestRejectionReason.InvalidHost);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Type"u8))
            {
                if (++contentTypeCount > 1) HttpRejection.Throw(RequestRejectionReason.DuplicateContentType);
            }
            else if (name.Contains((byte)'_') && IsFramingLookalike(name))
            {
                // Content_Length / Transfer_Encoding: a front end that maps '_' to '-' would frame this differently.
                HttpRejection.Throw(RequestRejectionReason.FramingLookalikeHeaderName);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                var length = ParseContentLength(value);
                if (head.ContentLength is { } previous && previous != length) HttpRejection.Throw(RequestRejectionReason.ConflictingContentLength);
                head.ContentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                teCount++;
                foreach (var range in value.Split((byte)','))
                {
                    var coding = value[range].Trim(" \t"u8);
                    transferCodings++;
                    transferEncodingFinalChunked = Ascii.EqualsIgnoreCase(coding, "chunked"u8);
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (var range in value.Split((byte)','))
                {
                    var token = value[range].Trim(" \t"u8);
                    if (Ascii.EqualsIgnoreCase(token, "close"u8)) connectionClose = true;
                    else if (Ascii.EqualsIgnoreCase(token, "keep-alive"u8)) connectionKeepAlive = true;
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "Expect"u8))
            {
                expectCount++;
                expectContinue &= Ascii.EqualsIgnoreCase(value, "100-continue"u8);
            }
        }
        if (head.MinorVersion == 1 && hostCount == 0) HttpRejection.Throw(RequestRejectionReason.MissingHost);
        if (hostCount > 1) HttpRejection.Throw(RequestRejectionReason.DuplicateHost);
        if (head.AbsoluteForm && hostCount == 1 && !Ascii.EqualsIgnoreCase(bytes.Slice(hostValue.Start, hostValue.Length), Authority(bytes.Slice(head.TargetRange.Start, head.TargetRange.Length))))
        {
            // RFC 9112 §3.2.2 lets the target's authority win; refusing the disagreement leaves nothing to interpret.
            HttpRejection.Throw(RequestRejectionReason.HostMismatchesTarget);
        }
        if (teCount > 0)
        {
            // We reject Content-Length together with Transfer-Encoding outright (RFC 9112 §6.1 allows processing as
            // chunked and closing; refusing leaves no room for a front end to disagree with us).
            if (head.ContentLength is not null) HttpRejection.Throw(RequestRejectionReason.ContentLengthWithTransferEncoding);
            if (head.MinorVersion == 0) HttpRejection.Throw(RequestRejectionReason.TransferEncodingOnHttp10);
            if (!transferEncodingFinalChunked) HttpRejection.Throw(RequestRejectionReason.FinalTransferCodingNotChunked);
            if (transferCodings > 1) HttpRejection.Throw(RequestRejectionReason.UnsupportedTransferCoding);
            head.Chunked = true;
        }
        head.KeepAlive = head.MinorVersion == 1 ? !connectionClose : connectionKeepAlive && !connectionClose;
        if (expectCount > 0)
        {
            if (!expectContinue) HttpRejection.Throw(RequestRejectionReason.UnsupportedExpectation);
            head.ExpectContinue = head.MinorVersion == 1;
        }
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> prefix) =>
        s.Length >= prefix.Length && Ascii.EqualsIgnoreCase(s[..prefix.Length], prefix);

    private static ReadOnlySpan<byte> Authority(ReadOnlySpan<byte> absoluteTarget)
    {
        var rest = absoluteTarget[(absoluteTarget.IndexOf("://"u8) + 3)..];
        var end = rest.IndexOfAny((byte)'/', (byte)'?');
        return end < 0 ? rest : rest[..end];
    }

    private static bool IsFramingLookalike(ReadOnlySpan<byte> name)
    {
        if (name.Length is not (14 or 17)) return false;
        Span<byte> dashed = stackalloc byte[name.Length];
        name.CopyTo(dashed);
        dashed.Replace((byte)'_', (byte)'-');
        return Ascii.EqualsIgnoreCase(dashed, "Content-Length"u8) || Ascii.EqualsIgnoreCase(dashed, "Transfer-Encoding"u8);
    }

    private static long ParseContentLength(ReadOnlySpan<byte> value)
    {
        if (value.Length is 0 or > 18) HttpRejection.Throw(RequestRejectionReason.InvalidContentLength);
        // 1*DIGIT allows leading zeros, but some parsers read them as octal: refused, like any ambiguity in framing.
        if (value.Length > 1 && value[0] == (byte)'0') HttpRejection.Throw(RequestRejectionReason.LeadingZeroInContentLength);
        long n = 0;
        foreach (var c in value)
        {
            if (c is < (byte)'0' or > (byte)'9') HttpRejection.Throw(RequestRejectionReason.InvalidContentLength);
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
