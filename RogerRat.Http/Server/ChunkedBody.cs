using System.Buffers;

namespace RogerRat.Http.Server;

/// <summary>
/// Decodes a chunked request body (RFC 9112 §7.1) from buffered bytes. Incremental like the head parser: returns false
/// and consumes nothing until the next size line or trailer field is whole; chunk data is taken as it arrives. One per
/// connection, <see cref="Reset"/> for each chunked request; the decoded bytes go to the connection's
/// <see cref="BodyBuffer"/>.
/// </summary>
internal sealed class ChunkedBody
{
    private enum State { Size, Data, Trailers, Done }

    private State _state = State.Size;
    private long _remaining;
    private long _maxBodySize;
    private BodyBuffer _body = null!;

    public bool IsDone => _state == State.Done;

    public void Reset(BodyBuffer body, long maxBodySize)
    {
        _body = body;
        _body.Clear();
        _maxBodySize = maxBodySize;
        _state = State.Size;
        _remaining = 0;
    }

    /// <summary>Consumes as much as is complete; returns the position up to which the buffer was used.</summary>
    public SequencePosition Feed(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (_state != State.Done)
        {
            if (_state == State.Size)
            {
                if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
                {
                    if (reader.Remaining > 1024) throw HttpRejection.BadRequest("chunk size line too long");
                    break;
                }
                _remaining = ParseSize(line);
                _state = _remaining == 0 ? State.Trailers : State.Data;
                if (_body.Count + _remaining > _maxBodySize) throw new HttpRejection(413, "payload_too_large", "request body too large");
            }
            else if (_state == State.Data)
            {
                // Data is taken as it arrives (a chunk may be larger than the connection's input buffer).
                var take = Math.Min(_remaining, reader.Remaining);
                _body.Append(reader.UnreadSequence.Slice(0, take));
                reader.Advance(take);
                _remaining -= take;
                if (_remaining > 0 || reader.Remaining < 2) break;
                if (!reader.IsNext("\r\n"u8, advancePast: true)) throw HttpRejection.BadRequest("chunk data not followed by CRLF");
                _state = State.Size;
            }
            else
            {
                // Trailer fields are read and dropped; an empty line ends the body.
                if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8, advancePastDelimiter: true))
                {
                    if (reader.Remaining > 8192) throw new HttpRejection(431, "headers_too_large", "trailer section too large");
                    break;
                }
                if (line.IsEmpty) _state = State.Done;
                else if (line.FirstSpan[0] is (byte)' ' or (byte)'\t' || line.PositionOf((byte)':') is null || line.PositionOf((byte)'\r') is not null)
                {
                    throw HttpRejection.BadRequest("malformed trailer field");
                }
            }
        }
        return reader.Position;
    }

    private static long ParseSize(ReadOnlySequence<byte> line)
    {
        Span<byte> span = stackalloc byte[(int)Math.Min(line.Length, 1024)];
        line.Slice(0, span.Length).CopyTo(span);
        var semi = span.IndexOf((byte)';');
        var digits = semi < 0 ? span : span[..semi];
        if (semi >= 0)
        {
            foreach (var b in span[semi..])
            {
                if (b is < 0x20 and not (byte)'\t' || b == 0x7F) throw HttpRejection.BadRequest("control character in chunk extension");
            }
        }
        if (digits.IsEmpty || digits.Length > 15) throw HttpRejection.BadRequest("invalid chunk size");
        long size = 0;
        foreach (var b in digits)
        {
            var v = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => throw HttpRejection.BadRequest("invalid chunk size"),
            };
            size = (size << 4) | (long)v;
        }
        return size;
    }
}
