using System.Buffers;
using System.Text;
using FsCheck.Xunit;
using RogerRat.Http.Server;
using RogerRat.Tests.Generators;

namespace RogerRat.Tests.Http;

/// <summary>FsCheck properties of the request-head parser (STYLE testing rules a, b, c, d, f).</summary>
public class HttpParserProperties
{
    private static readonly HttpServerLimits s_limits = new();

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }

    internal static ReadOnlySequence<byte> Split(byte[] bytes, IEnumerable<int> cuts)
    {
        var points = cuts.Select(c => c % (bytes.Length + 1)).Distinct().Order().ToList();
        if (points.Count == 0) return new ReadOnlySequence<byte>(bytes);
        var first = new Segment(bytes.AsMemory(0, points[0]), 0);
        var last = first;
        for (var i = 0; i < points.Count; i++)
        {
            var end = i + 1 < points.Count ? points[i + 1] : bytes.Length;
            last = last.Append(bytes.AsMemory(points[i], end - points[i]));
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private static (bool Parsed, long Consumed, string? Shape, int Status) Parse(ReadOnlySequence<byte> input)
    {
        try
        {
            var ok = HttpParser.TryParseHead(input, s_limits, out var consumed, out var head);
            var shape = head is null ? null
                : $"{head.Method} {head.Target} 1.{head.MinorVersion} {string.Join("|", head.Headers.Select(h => h.Key + "=" + h.Value))} cl={head.ContentLength}";
            return (ok, input.Slice(input.Start, consumed).Length, shape, ok ? 200 : 0);
        }
        catch (HttpRejection r)
        {
            return (false, 0, null, r.Status);
        }
    }

    [Property(Arbitrary = [typeof(HttpGens)], MaxTest = 300)]
    public bool A_request_split_anywhere_parses_as_in_one_piece(SplitRequest s)
    {
        var bytes = s.Request.Bytes();
        return Parse(new ReadOnlySequence<byte>(bytes)) == Parse(Split(bytes, s.Cuts));
    }

    [Property(Arbitrary = [typeof(HttpGens)], MaxTest = 100)]
    public bool Every_strict_prefix_asks_for_more_and_consumes_nothing(RawRequest r)
    {
        var bytes = r.Bytes();
        for (var n = 0; n < r.HeadLength; n++)
        {
            var (parsed, consumed, _, status) = Parse(new ReadOnlySequence<byte>(bytes, 0, n));
            if (parsed || consumed != 0 || status != 0) return false;
        }
        return true;
    }

    [Property(Arbitrary = [typeof(HttpGens)], MaxTest = 300)]
    public bool Written_then_parsed_gives_the_parts_back(RawRequest r)
    {
        var (parsed, consumed, _, _) = Parse(new ReadOnlySequence<byte>(r.Bytes()));
        HttpParser.TryParseHead(new ReadOnlySequence<byte>(r.Bytes()), s_limits, out _, out var head);
        return parsed && consumed == r.HeadLength && head!.Method == r.Method && head.Target == r.Target
               && head.Headers.Select(h => (h.Key, h.Value)).SequenceEqual(r.Headers);
    }

    [Property(Arbitrary = [typeof(HttpGens)], MaxTest = 500)]
    public bool The_parser_agrees_with_the_reference_on_valid_requests(RawRequest r) => Agrees(r.Bytes());

    [Property(Arbitrary = [typeof(HttpGens)], MaxTest = 1000)]
    public bool The_parser_agrees_with_the_reference_on_mutated_requests(MutatedRequest m) => Agrees(m.Bytes());

    [Property(Arbitrary = [typeof(HttpGens)], MaxTest = 1000)]
    public bool The_parser_agrees_with_the_reference_on_edge_cases(EdgeCaseRequest e) => Agrees(e.Request.Bytes());

    // An unfinished head is judged on the lines it already has: every prefix of a mutated request gets the same verdict
    // (need more, or refused) from both parsers.
    [Property(Arbitrary = [typeof(HttpGens)], MaxTest = 200)]
    public bool The_parser_agrees_with_the_reference_on_every_prefix_of_a_mutated_request(MutatedRequest m)
    {
        var bytes = m.Bytes();
        for (var n = 0; n <= bytes.Length; n++)
        {
            if (!Agrees(bytes[..n])) return false;
        }
        return true;
    }

    // The connection feeds one reused head ever longer prefixes as bytes arrive; what it remembers between calls (the
    // lines already checked) must not change the verdict: parsed with the same shape, or refused, as in one piece.
    [Property(Arbitrary = [typeof(HttpGens)], MaxTest = 200)]
    public bool Feeding_growing_prefixes_to_one_head_ends_as_one_piece(MutatedRequest m)
    {
        var bytes = m.Bytes();
        var whole = Parse(new ReadOnlySequence<byte>(bytes));
        var head = new HttpRequestHead();
        for (var n = 1; n <= bytes.Length; n++)
        {
            try
            {
                if (!HttpParser.TryParseHead(new ReadOnlySequence<byte>(bytes, 0, n), s_limits, head, out _)) continue;
                var shape = $"{head.Method} {head.Target} 1.{head.MinorVersion} {string.Join("|", head.Headers.Select(h => h.Key + "=" + h.Value))} cl={head.ContentLength}";
                return whole.Parsed && whole.Shape == shape;
            }
            catch (HttpRejection)
            {
                return !whole.Parsed && whole.Status != 0;
            }
        }
        return !whole.Parsed && whole.Status == 0;
    }

    private static bool Agrees(byte[] bytes)
    {
        var fast = Parse(new ReadOnlySequence<byte>(bytes));
        var slow = ReferenceParser.Parse(bytes);
        return fast.Parsed == slow.Parsed && fast.Shape == slow.Shape && (fast.Parsed || fast.Status == 0 ? slow.Status == fast.Status : slow.Status != 0);
    }

    [Property(Arbitrary = [typeof(HttpGens)], MaxTest = 100)]
    public bool Over_a_limit_is_rejected_with_its_status(RawRequest r)
    {
        var longLine = Encoding.ASCII.GetBytes($"GET /{new string('a', s_limits.MaxRequestLineSize)} HTTP/1.1\r\nHost: x\r\n\r\n");
        var bigHeader = Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: x\r\nX: {new string('b', s_limits.MaxRequestHeadersTotalSize)}\r\n\r\n");
        var many = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n" + string.Concat(Enumerable.Range(0, s_limits.MaxRequestHeaderCount).Select(i => $"H{i}: v\r\n")) + "\r\n");
        return Parse(new ReadOnlySequence<byte>(longLine)).Status == 414
               && Parse(new ReadOnlySequence<byte>(bigHeader)).Status == 431
               && Parse(new ReadOnlySequence<byte>(many)).Status == 431
               && Parse(Split(longLine, [r.Target.Length, 7])).Status == 414;
    }
}

/// <summary>
/// A slow, obviously correct parser of the same grammar, written from RFC 9112 with strings and no incremental state,
/// used only as the oracle of the differential property.
/// </summary>
internal static class ReferenceParser
{
    public static (bool Parsed, long Consumed, string? Shape, int Status) Parse(byte[] bytes)
    {
        var text = Encoding.Latin1.GetString(bytes);
        var start = 0;
        while (text.AsSpan(start).StartsWith("\r\n")) start += 2;
        var end = text.IndexOf("\r\n\r\n", start, StringComparison.Ordinal);
        var head = end < 0 ? text[start..] : text[start..end];
        // Any CR not before LF, or LF not after CR, is a 400 wherever it is in the head so far.
        for (var i = 0; i < head.Length; i++)
        {
            if (head[i] == '\r' && (i + 1 >= head.Length ? end >= 0 : head[i + 1] != '\n')) return Reject(400);
            if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) return Reject(400);
        }
        if (end < 0)
        {
            // Unfinished: lines already whole are judged now (request line fully, header lines for syntax).
            if (!head.Contains('\n'))
            {
                // Any control character (a tab too) already makes the request line invalid.
                return head.Any(c => c != '\r' && (c < 0x20 || c == 0x7f)) ? Reject(400) : (false, 0, null, 0);
            }
            var whole = head[..(head.LastIndexOf('\n') - 1)].Split("\r\n");
            var lineStatus = RequestLine(whole[0], out _, out _);
            if (lineStatus != 0) return Reject(lineStatus);
            foreach (var line in whole.Skip(1))
            {
                if (line.Length == 0 || HeaderLine(line) is null) return Reject(400);
            }
            return (false, 0, null, 0);
        }
        var lines = head.Split("\r\n");
        var status = RequestLine(lines[0], out var parts, out var minor);
        if (status != 0) return Reject(status);
        var absolute = parts[1].StartsWith("http://", StringComparison.OrdinalIgnoreCase) || parts[1].StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        var headers = new List<(string, string)>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0 || HeaderLine(line) is not { } header) return Reject(400);
            headers.Add(header);
        }
        var hosts = headers.Where(h => h.Item1.Equals("Host", StringComparison.OrdinalIgnoreCase)).ToList();
        long? cl = null;
        foreach (var h in headers.Where(h => h.Item1.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            if (h.Item2.Length is 0 or > 18 || !h.Item2.All(char.IsAsciiDigit) || (h.Item2.Length > 1 && h.Item2[0] == '0')) return Reject(400);
            var v = long.Parse(h.Item2);
            if (cl is not null && cl != v) return Reject(400);
            cl = v;
        }
        if (minor == 1 && hosts.Count == 0) return Reject(400);
        if (hosts.Count > 1) return Reject(400);
        if (hosts.Count == 1 && !IsHost(hosts[0].Item2)) return Reject(400);
        if (headers.Count(h => h.Item1.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) > 1) return Reject(400);
        if (headers.Any(h => h.Item1.Contains('_') && h.Item1.Replace('_', '-') is var d
            && (d.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || d.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))) return Reject(400);
        if (absolute && hosts.Count == 1)
        {
            var authority = parts[1][(parts[1].IndexOf("://") + 3)..];
            var cut = authority.IndexOfAny(['/', '?']);
            if (cut >= 0) authority = authority[..cut];
            if (!hosts[0].Item2.Equals(authority, StringComparison.OrdinalIgnoreCase)) return Reject(400);
        }
        var te = headers.Where(h => h.Item1.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).ToList();
        if (te.Count > 0)
        {
            if (cl is not null || minor == 0) return Reject(400);
            var codings = string.Join(",", te.Select(t => t.Item2)).Split(',').Select(c => c.Trim()).ToArray();
            if (!codings[^1].Equals("chunked", StringComparison.OrdinalIgnoreCase)) return Reject(400);
            if (codings.Length > 1) return Reject(501);
        }
        var expect = headers.FirstOrDefault(h => h.Item1.Equals("Expect", StringComparison.OrdinalIgnoreCase));
        if (expect.Item1 is not null && !expect.Item2.Equals("100-continue", StringComparison.OrdinalIgnoreCase)) return Reject(417);
        var shape = $"{parts[0]} {parts[1]} 1.{minor} {string.Join("|", headers.Select(h => h.Item1 + "=" + h.Item2))} cl={cl}";
        return (true, end + 4, shape, 200);
    }

    private static (bool, long, string?, int) Reject(int status) => (false, 0, null, status);

    // 0 when the request line is valid, else the status it is refused with.
    private static int RequestLine(string line, out string[] parts, out int minor)
    {
        minor = 0;
        parts = line.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0) return 400;
        if (parts[0].Any(c => !IsTChar(c))) return 400;
        if (parts[1].Any(c => c <= 0x20 || c >= 0x7f || c == '#' || c == '\\')) return 400;
        var target = parts[1];
        var connect = parts[0] == "CONNECT";
        if (connect)
        {
            var colon = target.LastIndexOf(':');
            if (colon <= 0 || colon == target.Length - 1 || !IsHost(target[..colon]) || !target[(colon + 1)..].All(char.IsAsciiDigit)) return 400;
        }
        else if (target == "*") { if (parts[0] != "OPTIONS") return 400; }
        else if (!(target.StartsWith('/') || target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase))) return 400;
        if (parts[2] == "HTTP/1.1") minor = 1;
        else if (parts[2] == "HTTP/1.0") minor = 0;
        else if (parts[2].Length == 8 && parts[2].StartsWith("HTTP/") && char.IsAsciiDigit(parts[2][5]) && parts[2][6] == '.' && char.IsAsciiDigit(parts[2][7])) return 505;
        else return 400;
        return connect ? 501 : 0;
    }

    // The field as (name, trimmed value), or null when the line breaks field-line syntax.
    private static (string, string)? HeaderLine(string line)
    {
        if (line[0] is ' ' or '\t') return null;
        var colon = line.IndexOf(':');
        if (colon <= 0) return null;
        var name = line[..colon];
        if (name.Any(c => !IsTChar(c))) return null;
        var value = line[(colon + 1)..];
        if (value.Any(c => (c < 0x20 && c != '\t') || c == 0x7f)) return null;
        return (name, value.Trim(' ', '\t'));
    }

    private static bool IsHost(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "-._~%!$&'()*+,;=:[]".Contains(c));

    private static bool IsTChar(char c) => "!#$%&'*+-.^_`|~".Contains(c) || char.IsAsciiLetterOrDigit(c);
}
