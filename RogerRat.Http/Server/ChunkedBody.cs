using System.Buffers;
using System.Text;

namespace RogerRat.Http.Server;

/// <summary>
/// Decodes a chunked request body (RFC 9112 §7.1) from buffered bytes. Incremental like the head parser: returns false
/// and consumes nothing until the next size line or trailer field is whole; chunk data is taken as it arrives. One per
/// connection, <see cref="Reset"/> for each chunked request; the decoded bytes go to the connection's
/// <see cref="BodyBuffer"/>. Strict: a bare LF or CR, a chunk extension outside the grammar, and trailer fields that
/// would change framing, routing, authentication or how the content is read are all 400.
/// </summary>
internal sealed class ChunkedBody
{
    private static readonly SearchValues<byte> s_tchar =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    // RFC 9110 §6.5.1: fields a sender must not put in a trailer; a trailer carrying one is a smuggling attempt.
    private static readonly string[] s_forbiddenTrailers =
    [
        "Content-Length", "Transfer-Encoding", "Host", "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
        "Content-Type", "Content-Encoding", "Content-Range", "Trailer", "TE", "Expect", "Cache-Control", "Max-Forwards",
        "Connection", "Keep-Alive", "Upgrade",
    ];

    private enum State { Size, Data, Trailers, Done }

    private State _state = State.Size;
    private long _remaining;
    private long _maxBodySize;
    private int _maxSizeLine;
    private int _maxTrailerSection;
    private int _trailerBytes;
    private BodyBuffer _body = null!;

    public bool IsDone => _state == State.Done;

    public void Reset(BodyBuffer body, HttpServerLimits limits)
    {
        _body = body;
        _body.Clear();
        _maxBodySize = limits.MaxRequestBodySize;
        _maxSizeLine = limits.MaxChunkSizeLineLength;
        _maxTrailerSection = limits.MaxRequestHeadersTotalSize;
        _state = State.Size;
        _remaining = 0;
        _trailerBytes = 0;
    }

    /// <summary>Consumes as much as is complete; returns the position up to which the buffer was used.</summary>
    public SequencePosition Feed(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (_state != State.Done)
        {
            if (_state == State.Size)
            {
                if (!TryReadLine(ref reader, _maxSizeLine, trailer: false, out var line))
                {
                    break;
                }
                _remaining = ParseSizeLine(line);
                _state = _remaining == 0 ? State.Trailers : State.Data;
                if (_body.Count + _remaining > _maxBodySize) HttpRejection.Throw(RequestRejectionReason.RequestBodyTooLarge);
            }
            else if (_state == State.Data)
            {
                // Data is taken as it arrives (a chunk may be larger than the connection's input buffer).
                var take = Math.Min(_remaining, reader.Remaining);
                _body.Append(reader.UnreadSequence.Slice(0, take));
                reader.Advance(take);
                _remaining -= take;
                if (_remaining > 0 || reader.Remaining < 2) break;
                if (!reader.IsNext("\r\n"u8, advancePast: true)) HttpRejection.Throw(RequestRejectionReason.ChunkDataWithoutCrlf);
                _state = State.Size;
            }
            else
            {
                // Trailer fields are checked and dropped; an empty line ends the body.
                var before = reader.Consumed;
                if (!TryReadLine(ref reader, _maxTrailerSection - _trailerBytes, trailer: true, out var line))
                {
                    break;
                }
                _trailerBytes += (int)(reader.Consumed - before);
                if (line.IsEmpty) _state = State.Done;
                else CheckTrailerField(line);
            }
        }
        return reader.Position;
    }

    /// <summary>A CRLF-terminated line (without the CRLF) of at most <paramref name="max"/> bytes; a bare LF is a 400.</summary>
    private static bool TryReadLine(ref SequenceReader<byte> reader, int max, bool trailer, out ReadOnlySpan<byte> line)
    {
        line = default;
        // A line of max bytes plus its CRLF.
        var window = reader.UnreadSequence;
        var cap = Math.Max(0, max + 2L);
        if (window.Length > cap) window = window.Slice(0, cap);
        var lf = window.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (window.Length >= cap)
            {
                HttpRejection.Throw(trailer ? RequestRejectionReason.TrailerSectionTooLarge : RequestRejectionReason.ChunkSizeLineTooLong);
            }
            return false;
        }
        var withCr = window.Slice(0, lf.Value);
        if (withCr.IsEmpty || withCr.Slice(withCr.Length - 1).FirstSpan[0] != (byte)'\r') HttpRejection.Throw(RequestRejectionReason.BareLineFeedInChunkedBody);
        var bytes = withCr.Slice(0, withCr.Length - 1);
        line = bytes.IsSingleSegment ? bytes.FirstSpan : bytes.ToArray();
        reader.Advance(withCr.Length + 1);
        return true;
    }

    // chunk-size [ chunk-ext ], chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] ) (RFC 9112 §7.1.1).
    private static long ParseSizeLine(ReadOnlySpan<byte> line)
    {
        var i = 0;
        long size = 0;
        var significant = 0;
        while (i < line.Length && HexValue(line[i]) is var v and >= 0)
        {
            // Leading zeros are allowed (1*HEXDIG); more than 15 significant digits could overflow.
            if ((significant > 0 || v > 0) && ++significant > 15) HttpRejection.Throw(RequestRejectionReason.ChunkSizeTooLarge);
            size = (size << 4) | (long)v;
            i++;
        }
        if (i == 0) HttpRejection.Throw(RequestRejectionReason.InvalidChunkSize);
        while (i < line.Length)
        {
            i = SkipBws(line, i);
            if (i >= line.Length || line[i] != (byte)';') HttpRejection.Throw(RequestRejectionReason.InvalidChunkExtension);
            i = SkipBws(line, i + 1);
            var name = Token(line, i);
            if (name == 0) HttpRejection.Throw(RequestRejectionReason.InvalidChunkExtension);
            i = SkipBws(line, i + name);
            if (i < line.Length && line[i] == (byte)'=')
            {
                i = SkipBws(line, i + 1);
                var value = i < line.Length && line[i] == (byte)'"' ? QuotedString(line, i) : Token(line, i);
                if (value == 0) HttpRejection.Throw(RequestRejectionReason.InvalidChunkExtension);
                i += value;
            }
        }
        return size;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static int SkipBws(ReadOnlySpan<byte> s, int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t') i++;
        return i;
    }

    private static int Token(ReadOnlySpan<byte> s, int i)
    {
        var rest = s[i..];
        var end = rest.IndexOfAnyExcept(s_tchar);
        return end < 0 ? rest.Length : end;
    }

    // Length of a quoted-string starting at s[i] == '"', or 0 when malformed.
    private static int QuotedString(ReadOnlySpan<byte> s, int i)
    {
        for (var j = i + 1; j < s.Length; j++)
        {
            var b = s[j];
            if (b == (byte)'"') return j - i + 1;
            if (b == (byte)'\\')
            {
                j++;
                if (j >= s.Length || s[j] is < 0x20 and not (byte)'\t' || s[j] == 0x7F) return 0;
            }
            else if (b is < 0x20 and not (byte)'\t' || b == 0x7F) return 0;
        }
        return 0;
    }

    private static void CheckTrailerField(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || line[..colon].ContainsAnyExcept(s_tchar)) HttpRejection.Throw(RequestRejectionReason.MalformedTrailerField);
        foreach (var b in line[(colon + 1)..])
        {
            if (b is < 0x20 and not (byte)'\t' || b == 0x7F) HttpRejection.Throw(RequestRejectionReason.ControlCharacterInTrailerField);
        }
        var name = line[..colon];
        foreach (var forbidden in s_forbiddenTrailers)
        {
            if (Ascii.EqualsIgnoreCase(name, forbidden)) HttpRejection.Throw(RequestRejectionReason.ForbiddenTrailerField, forbidden);
        }
    }
}
