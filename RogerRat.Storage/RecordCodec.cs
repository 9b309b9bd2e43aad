using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Storage;

/// <summary>
/// The on-disk form. A frame is <c>[u32 length][u32 ~length][u32 crc32c(payload)][payload]</c>: the complemented length
/// tells a damaged length from a torn tail, the checksum a damaged payload. A payload is <c>[u64 sequence][u8 kind]
/// [channel id]</c> and the kind's fields, little-endian; strings are <c>[i32 utf-8 length, -1 for null][bytes]</c>.
/// </summary>
internal static class RecordCodec
{
    public const int FrameHeader = 12;

    /// <summary>Payloads larger than this are refused as corrupt (a message is bounded far below it).</summary>
    public const int MaxPayload = 64 << 20;

    public static void WriteFrame(ArrayBufferWriter<byte> into, in LogRecord record)
    {
        var start = into.WrittenCount;
        into.GetSpan(FrameHeader);
        into.Advance(FrameHeader);
        var w = new Writer(into);
        w.Long(record.Sequence);
        w.Byte((byte)record.Kind);
        w.String(record.ChannelId);
        WriteFields(ref w, record);
        var payloadLength = into.WrittenCount - start - FrameHeader;
        // ArrayBufferWriter's written memory is contiguous and stable until the next GetSpan.
        var frame = System.Runtime.InteropServices.MemoryMarshal.AsMemory(into.WrittenMemory).Span.Slice(start);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], ~(uint)payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(frame[8..], Crc32C.Compute(frame.Slice(FrameHeader, payloadLength)));
    }

    private static void WriteFields(ref Writer w, in LogRecord r)
    {
        switch (r.Kind)
        {
            case RecordKind.ChannelCreated:
                WriteSettings(ref w, r.Settings!);
                break;
            case RecordKind.MessageAppended:
                WriteMessage(ref w, r.Message!);
                break;
            case RecordKind.CursorCommitted:
                w.String(r.Name);
                w.Long(r.Number);
                break;
            case RecordKind.SessionPut:
                w.String(r.Name);
                w.String(r.Callsign);
                w.Long(r.Number);
                break;
            case RecordKind.SessionRemoved:
                w.String(r.Name);
                break;
            case RecordKind.CallsignPut:
                w.String(r.Name);
                w.Bytes(r.Hash);
                break;
            case RecordKind.IdempotencyKeyPut:
                WriteKey(ref w, r.Idempotency);
                break;
            case RecordKind.ExtensionPut:
                w.String(r.Name);
                w.String(r.Callsign);
                w.Bytes(r.Hash);
                break;
            case RecordKind.SnapshotHeader:
            case RecordKind.SnapshotEnd:
                w.Long(r.Number);
                w.Long(r.Number2);
                w.Long(r.Idempotency.MessageId);
                break;
            case RecordKind.CallsignState:
                w.String(r.Name);
                w.Long(r.Number);
                w.Long(r.Number2);
                w.Bytes(r.Hash);
                break;
            case RecordKind.IdempotencyKeyState:
                WriteKey(ref w, r.Idempotency);
                WriteMessage(ref w, r.Message!);
                break;
            default:
                throw new InvalidOperationException($"unknown record kind {r.Kind}");
        }
    }

    /// <summary>Decodes one payload; a payload that does not decode is a <see cref="FormatException"/>.</summary>
    public static LogRecord Read(ReadOnlySpan<byte> payload)
    {
        var r = new Reader(payload);
        var sequence = r.Long();
        var kind = (RecordKind)r.Byte();
        var channelId = r.String() ?? throw new FormatException("record without a channel id");
        var record = new LogRecord(kind, channelId) { Sequence = sequence };
        record = kind switch
        {
            RecordKind.ChannelCreated => record with { Settings = ReadSettings(ref r, channelId) },
            RecordKind.MessageAppended => record with { Message = ReadMessage(ref r) },
            RecordKind.CursorCommitted => record with { Name = r.Required(), Number = r.Long() },
            RecordKind.SessionPut => record with { Name = r.Required(), Callsign = r.Required(), Number = r.Long() },
            RecordKind.SessionRemoved => record with { Name = r.Required() },
            RecordKind.CallsignPut => record with { Name = r.Required(), Hash = r.Bytes() },
            RecordKind.IdempotencyKeyPut => record with { Idempotency = ReadKey(ref r) },
            RecordKind.ExtensionPut => record with { Name = r.Required(), Callsign = r.Required(), Hash = r.Bytes() },
            RecordKind.SnapshotHeader or RecordKind.SnapshotEnd => record with
            {
                Number = r.Long(),
                Number2 = r.Long(),
                Idempotency = new IdempotencyRecord("", "", 0, r.Long(), false, 0),
            },
            RecordKind.CallsignState => record with { Name = r.Required(), Number = r.Long(), Number2 = r.Long(), Hash = r.Bytes() },
            RecordKind.IdempotencyKeyState => record with { Idempotency = ReadKey(ref r), Message = ReadMessage(ref r) },
            _ => throw new FormatException($"unknown record kind {(byte)kind}"),
        };
        if (!r.AtEnd) throw new FormatException("trailing bytes after the record");
        return record;
    }

    private static void WriteSettings(ref Writer w, ChannelSettings s)
    {
        w.Bytes(s.TokenHash);
        w.Long(s.CreatedAt);
        w.Byte((byte)s.Retention);
        w.Byte((byte)s.TrustMode);
        w.Long((long)s.SessionTtl.TotalMilliseconds);
        w.Byte(s.IsBand ? (byte)1 : (byte)0);
        w.Byte(s.RequireIdentity ? (byte)1 : (byte)0);
        w.Byte(s.OwnerPassword is null ? (byte)0 : (byte)1);
        if (s.OwnerPassword is { } p)
        {
            w.Bytes(p.Salt);
            w.Bytes(p.Hash);
            w.Long(p.Iterations);
        }
    }

    private static ChannelSettings ReadSettings(ref Reader r, string id)
    {
        var token = r.Bytes() ?? throw new FormatException("channel without a token hash");
        var createdAt = r.Long();
        var retention = (Retention)r.Byte();
        var trust = (TrustMode)r.Byte();
        var ttl = r.Long();
        var isBand = r.Byte() == 1;
        var requireIdentity = r.Byte() == 1;
        PasswordHash? password = null;
        if (r.Byte() == 1)
        {
            var salt = r.Bytes() ?? throw new FormatException("password without salt");
            var hash = r.Bytes() ?? throw new FormatException("password without hash");
            password = new PasswordHash(salt, hash, checked((int)r.Long()));
        }
        if (!Enum.IsDefined(retention) || !Enum.IsDefined(trust) || ttl <= 0) throw new FormatException("channel settings out of range");
        return new ChannelSettings
        {
            Id = id,
            TokenHash = token,
            CreatedAt = createdAt,
            Retention = retention,
            TrustMode = trust,
            SessionTtl = TimeSpan.FromMilliseconds(ttl),
            IsBand = isBand,
            OwnerPassword = password,
            RequireIdentity = requireIdentity,
        };
    }

    private static void WriteMessage(ref Writer w, ChannelMessage m)
    {
        w.Long(m.Id);
        w.String(m.From);
        w.String(m.To);
        w.String(m.Text);
        w.Long(m.At);
        w.Byte((byte)m.Kind);
        w.Byte((byte)m.Priority);
        if (m.SuggestedReplies is { } replies)
        {
            w.Int(replies.Count);
            foreach (var reply in replies) w.String(reply);
        }
        else w.Int(-1);
        if (m.Attachments is { } attachments)
        {
            w.Int(attachments.Count);
            foreach (var a in attachments)
            {
                w.String(a.Mime);
                w.String(a.DataBase64);
                w.String(a.Filename);
            }
        }
        else w.Int(-1);
    }

    private static ChannelMessage ReadMessage(ref Reader r)
    {
        var id = r.Long();
        var from = r.Required();
        var to = r.Required();
        var text = r.Required();
        var at = r.Long();
        var kind = (MessageKind)r.Byte();
        var priority = (MessagePriority)r.Byte();
        if (!Enum.IsDefined(kind) || !Enum.IsDefined(priority)) throw new FormatException("message kind or priority out of range");
        string[]? replies = null;
        var n = r.Int();
        if (n >= 0)
        {
            replies = new string[r.Count(n)];
            for (var i = 0; i < n; i++) replies[i] = r.Required();
        }
        Attachment[]? attachments = null;
        n = r.Int();
        if (n >= 0)
        {
            attachments = new Attachment[r.Count(n)];
            for (var i = 0; i < n; i++) attachments[i] = new Attachment(r.Required(), r.Required(), r.String());
        }
        // The channel's "all" is compared by reference on the hot path; give recovered broadcasts the same instance.
        if (to == Callsigns.All) to = Callsigns.All;
        return new ChannelMessage(id, from, to, text, at, kind, priority, replies, attachments);
    }

    private static void WriteKey(ref Writer w, in IdempotencyRecord k)
    {
        w.String(k.Sender);
        w.String(k.Key);
        w.Long((long)k.Fingerprint);
        w.Long(k.MessageId);
        w.Byte(k.Queued ? (byte)1 : (byte)0);
        w.Long(k.ExpiresAt);
    }

    private static IdempotencyRecord ReadKey(ref Reader r) =>
        new(r.Required(), r.Required(), (ulong)r.Long(), r.Long(), r.Byte() == 1, r.Long());

    private ref struct Writer(ArrayBufferWriter<byte> into)
    {
        public readonly void Byte(byte value)
        {
            into.GetSpan(1)[0] = value;
            into.Advance(1);
        }

        public readonly void Int(int value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(into.GetSpan(4), value);
            into.Advance(4);
        }

        public readonly void Long(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(into.GetSpan(8), value);
            into.Advance(8);
        }

        public readonly void String(string? value)
        {
            if (value is null)
            {
                Int(-1);
                return;
            }
            var length = Encoding.UTF8.GetByteCount(value);
            Int(length);
            Encoding.UTF8.GetBytes(value, into.GetSpan(length));
            into.Advance(length);
        }

        public readonly void Bytes(byte[]? value)
        {
            if (value is null)
            {
                Int(-1);
                return;
            }
            Int(value.Length);
            value.CopyTo(into.GetSpan(value.Length));
            into.Advance(value.Length);
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _at;

        public readonly bool AtEnd => _at == _data.Length;

        public byte Byte() => Take(1)[0];

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        /// <summary>A collection count, checked against the bytes left (each element takes at least 4).</summary>
        public readonly int Count(int n) => n <= (_data.Length - _at) / 4 ? n : throw new FormatException("count beyond the record");

        public string? String()
        {
            var length = Int();
            if (length == -1) return null;
            if (length < 0) throw new FormatException("negative string length");
            try
            {
                return s_strict.GetString(Take(length));
            }
            catch (DecoderFallbackException)
            {
                throw new FormatException("string is not UTF-8");
            }
        }

        public string Required() => String() ?? throw new FormatException("missing string");

        public byte[]? Bytes()
        {
            var length = Int();
            if (length == -1) return null;
            if (length < 0) throw new FormatException("negative byte length");
            return Take(length).ToArray();
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n > _data.Length - _at) throw new FormatException("record ends early");
            var span = _data.Slice(_at, n);
            _at += n;
            return span;
        }
    }

    private static readonly UTF8Encoding s_strict = new(false, true);
}
