using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace RogerRat.Tests.Generators;

/// <summary>A request as parts; <see cref="Bytes"/> writes it as RFC 9112 bytes.</summary>
public sealed record RawRequest(string Method, string Target, string Version, (string Name, string Value)[] Headers, string Body)
{
    public byte[] Bytes()
    {
        var sb = new StringBuilder($"{Method} {Target} {Version}\r\n");
        foreach (var (n, v) in Headers) sb.Append(n).Append(": ").Append(v).Append("\r\n");
        sb.Append("\r\n").Append(Body);
        return Encoding.Latin1.GetBytes(sb.ToString());
    }

    public int HeadLength => Bytes().Length - Body.Length;

    public override string ToString() => Encoding.Latin1.GetString(Bytes()).Replace("\r", "\\r").Replace("\n", "\\n\n");
}

/// <summary>A request plus how to cut it into segments, or where to insert a byte.</summary>
public sealed record SplitRequest(RawRequest Request, int[] Cuts);

public sealed record MutatedRequest(RawRequest Request, int Position, byte Inserted)
{
    public byte[] Bytes()
    {
        var b = Request.Bytes().ToList();
        var pos = Math.Min(Position, Request.HeadLength - 1);
        b.Insert(pos, Inserted);
        return [.. b];
    }

    public override string ToString() => $"insert 0x{Inserted:x2} at {Position} into\n{Request}";
}

/// <summary>A valid request with one edit where the RFC's edges (and smuggling) are: forms of target, Host values,
/// Content-Length spellings, lookalike and duplicated fields.</summary>
public sealed record EdgeCaseRequest(RawRequest Request, string Edit)
{
    public override string ToString() => $"{Edit}:\n{Request}";
}

public static class HttpGens
{
    private const string TChars = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string PathChars = "abcdefghijklmnopqrstuvwxyz0123456789-._~%/";

    private static Gen<string> StringOf(string alphabet, int min, int max) =>
        Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), n)).Select(cs => new string(cs));

    private static Gen<string> Value => Gen.Choose(0, 40)
        .SelectMany(n => Gen.ArrayOf(Gen.Frequency((20, Gen.Choose(0x21, 0x7e)), (2, Gen.Constant(0x20)), (1, Gen.Constant(0x09)), (1, Gen.Choose(0x80, 0xff))), n))
        .Select(cs => new string(cs.Select(c => (char)c).ToArray()).Trim(' ', '\t'));

    public static Gen<RawRequest> Valid { get; } =
        from method in Gen.Elements("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "M-SEARCH")
        from path in StringOf(PathChars, 0, 30)
        from query in Gen.Frequency((3, Gen.Constant("")), (1, StringOf("abc=&123", 1, 12).Select(q => "?" + q)))
        from version in Gen.Elements("HTTP/1.1", "HTTP/1.0")
        from names in Gen.ListOf(StringOf(TChars, 1, 12), 0).Select(l => l.Take(8).ToArray())
        from values in Gen.ArrayOf(Value, names.Length)
        from body in Gen.Frequency((2, Gen.Constant("")), (1, StringOf("abcdefgh{}\":, ", 1, 40)))
        select Build(method, "/" + path.TrimStart('/') + query, version, names, values, body);

    private static RawRequest Build(string method, string target, string version, string[] names, string[] values, string body)
    {
        var headers = new List<(string, string)> { ("Host", "example.test") };
        for (var i = 0; i < names.Length; i++)
        {
            var n = names[i];
            if (n.Equals("Host", StringComparison.OrdinalIgnoreCase) || n.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || n.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || n.Equals("Expect", StringComparison.OrdinalIgnoreCase)) continue;
            headers.Add((n, values[i]));
        }
        if (body.Length > 0) headers.Add(("Content-Length", body.Length.ToString()));
        return new RawRequest(method, target, version, [.. headers], body);
    }

    public static Arbitrary<RawRequest> Requests() => Valid.ToArbitrary();

    public static Arbitrary<SplitRequest> Splits() =>
        (from r in Valid
         from cuts in Gen.ArrayOf(Gen.Choose(0, 400), 0).Select(a => a.Take(10).ToArray())
         select new SplitRequest(r, cuts)).ToArbitrary();

    public static Arbitrary<MutatedRequest> Mutations() =>
        (from r in Valid
         from pos in Gen.Choose(0, 200)
         from b in Gen.Frequency((3, Gen.Elements((byte)'\r', (byte)'\n', (byte)0, (byte)' ', (byte)':', (byte)'\t', (byte)0x7f, (byte)0x01)), (2, Gen.Choose(0x21, 0x7e).Select(i => (byte)i)))
         select new MutatedRequest(r, pos, b)).ToArbitrary();

    private static readonly (string Name, Func<RawRequest, RawRequest> Apply)[] s_edits =
    [
        ("asterisk target", r => r with { Target = "*" }),
        ("CONNECT authority", r => r with { Method = "CONNECT", Target = "example.test:443" }),
        ("CONNECT host only", r => r with { Method = "CONNECT", Target = "example.test" }),
        ("CONNECT origin-form", r => r with { Method = "CONNECT" }),
        ("fragment", r => r with { Target = r.Target + "#frag" }),
        ("absolute-form, same host", r => r with { Target = "http://example.test" + r.Target }),
        ("absolute-form, other host", r => r with { Target = "http://other.test" + r.Target }),
        ("absolute-form, host case", r => r with { Target = "https://EXAMPLE.test" + r.Target }),
        ("absolute-form, scheme case", r => r with { Target = "HTTP://example.test" + r.Target }),
        ("empty Host", r => WithHost(r, "")),
        ("IPv6 Host", r => WithHost(r, "[::1]:8080")),
        ("Host with userinfo", r => WithHost(r, "user@example.test")),
        ("Host with space", r => WithHost(r, "example test")),
        ("Host with path", r => WithHost(r, "example.test/x")),
        ("Host with port", r => WithHost(r, "example.test:80")),
        ("duplicate Content-Type", r => Add(r, ("Content-Type", "a/b"), ("content-type", "a/b"))),
        ("one Content-Type", r => Add(r, ("Content-Type", "text/plain"))),
        ("Content_Length", r => Add(r, ("Content_Length", "5"))),
        ("transfer_encoding", r => Add(r, ("transfer_encoding", "chunked"))),
        ("X_Under_Score", r => Add(r, ("X_Under_Score", "1"))),
        ("Content-Length 00", r => Add(r, ("Content-Length", "00"))),
        ("Content-Length 0", r => r.Body.Length == 0 ? Add(r, ("Content-Length", "0")) : r),
        ("Content-Length 007", r => Add(r, ("Content-Length", "007"))),
        ("Content-Length -0", r => Add(r, ("Content-Length", "-0"))),
    ];

    private static RawRequest WithHost(RawRequest r, string host) =>
        r with { Headers = [.. r.Headers.Select(h => h.Name == "Host" ? (h.Name, host) : h)] };

    private static RawRequest Add(RawRequest r, params (string, string)[] headers) =>
        r with { Headers = [.. r.Headers.Where(h => !headers.Any(n => n.Item1.Equals(h.Name, StringComparison.OrdinalIgnoreCase))), .. headers] };

    public static Arbitrary<EdgeCaseRequest> EdgeCases() =>
        (from r in Valid
         from edit in Gen.Elements(s_edits)
         select new EdgeCaseRequest(edit.Apply(r), edit.Name)).ToArbitrary();
}
