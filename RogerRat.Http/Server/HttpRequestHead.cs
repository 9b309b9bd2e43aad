using System.Buffers;
using System.Text;

namespace RogerRat.Http.Server;

/// <summary>
/// The request line and header block of one request, kept as byte ranges over a copy of the head's bytes: parsing
/// allocates nothing once the buffer has grown to a connection's usual head size, and strings exist only once asked
/// for. One instance per connection, reset for each request (the previous handler has finished by then).
/// </summary>
internal sealed class HttpRequestHead
{
    private static readonly string[] s_knownMethods = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];

    internal struct Range(int start, int length)
    {
        public int Start = start;
        public int Length = length;
    }

    internal struct HeaderRange
    {
        public Range Name;
        public Range Value;
    }

    private byte[] _bytes = [];
    private HeaderRange[] _headers = new HeaderRange[16];
    private string? _method;
    private string? _target;
    private List<KeyValuePair<string, string>>? _headerList;

    internal Range MethodRange;
    internal Range TargetRange;
    public int MinorVersion { get; set; }
    public int HeaderCount { get; private set; }
    public long? ContentLength { get; set; }
    public bool Chunked { get; set; }
    public bool KeepAlive { get; set; }
    public bool ExpectContinue { get; set; }

    // Bytes of an unfinished head whose whole lines the parser has already checked (see HttpParser.CheckCompleteLines).
    internal int PartialChecked;

    // Bytes of an unfinished head the parser has already scanned for the head's end and for bad bytes.
    internal int PartialScanned;

    /// <summary>The target is absolute-form (<c>http://host/path</c>).</summary>
    public bool AbsoluteForm { get; set; }

    public string Method => _method ??= KnownOrNew(Span(MethodRange));
    public string Target => _target ??= Encoding.ASCII.GetString(Span(TargetRange));
    public bool IsHead => Span(MethodRange).SequenceEqual("HEAD"u8);

    /// <summary>All headers as strings (materialised on first use).</summary>
    public List<KeyValuePair<string, string>> Headers
    {
        get
        {
            if (_headerList is null)
            {
                _headerList = new List<KeyValuePair<string, string>>(HeaderCount);
                for (var i = 0; i < HeaderCount; i++)
                {
                    _headerList.Add(new(Encoding.ASCII.GetString(Span(_headers[i].Name)), Encoding.Latin1.GetString(Span(_headers[i].Value))));
                }
            }
            return _headerList;
        }
    }

    /// <summary>The first header of that name (ASCII case-insensitive), or null; only that value becomes a string.</summary>
    public string? Header(string name)
    {
        for (var i = 0; i < HeaderCount; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(Span(_headers[i].Name), name)) return Encoding.Latin1.GetString(Span(_headers[i].Value));
        }
        return null;
    }

    internal ReadOnlySpan<byte> Span(Range r) => _bytes.AsSpan(r.Start, r.Length);

    internal ref HeaderRange HeaderAt(int i) => ref _headers[i];

    /// <summary>Starts a new request: copies the head's bytes into the reused buffer and forgets the previous request.</summary>
    internal Span<byte> Reset(int length)
    {
        if (_bytes.Length < length)
        {
            if (_bytes.Length > 0) ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1024));
        }
        HeaderCount = 0;
        ContentLength = null;
        Chunked = KeepAlive = ExpectContinue = AbsoluteForm = false;
        PartialChecked = PartialScanned = 0;
        _method = _target = null;
        _headerList = null;
        return _bytes.AsSpan(0, length);
    }

    internal void AddHeader(Range name, Range value)
    {
        if (HeaderCount == _headers.Length) Array.Resize(ref _headers, _headers.Length * 2);
        _headers[HeaderCount++] = new HeaderRange { Name = name, Value = value };
    }

    private static string KnownOrNew(ReadOnlySpan<byte> method)
    {
        foreach (var known in s_knownMethods)
        {
            if (method.Length == known.Length && System.Text.Ascii.Equals(method, known)) return known;
        }
        return Encoding.ASCII.GetString(method);
    }
}
