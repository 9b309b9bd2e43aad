using System.Buffers.Binary;

namespace RogerRat.Storage;

/// <summary>
/// Reads the frames of one log or snapshot file, in order, checking each. The only damage it forgives is a torn tail:
/// a last frame cut short by a crash (its header or payload runs past the end of the file), a last frame whose checksum
/// fails with nothing after it, or a tail of zeros (a file system that grew the file before the data landed). Anything
/// else is a <see cref="CorruptDataException"/> naming the file and the offset.
/// </summary>
internal static class LogScanner
{
    public readonly record struct Frame(LogRecord Record, long Offset, long End);

    /// <summary>The frames, and <paramref name="validLength"/>: where the intact part ends (the file's length when nothing is torn).</summary>
    public static List<Frame> Read(string path, bool allowTornTail, out long validLength)
    {
        var bytes = File.ReadAllBytes(path);
        var frames = new List<Frame>();
        long at = 0;
        while (at < bytes.Length)
        {
            var rest = bytes.AsSpan((int)at);
            if (rest.Length < RecordCodec.FrameHeader || IsAllZero(rest))
            {
                if (!allowTornTail) throw new CorruptDataException(path, at, "truncated record");
                break;
            }
            var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
            var check = BinaryPrimitives.ReadUInt32LittleEndian(rest[4..]);
            if (length != ~check || length > RecordCodec.MaxPayload) throw new CorruptDataException(path, at, "bad record length");
            if (rest.Length - RecordCodec.FrameHeader < length)
            {
                if (!allowTornTail) throw new CorruptDataException(path, at, "truncated record");
                break;
            }
            var payload = rest.Slice(RecordCodec.FrameHeader, (int)length);
            var end = at + RecordCodec.FrameHeader + length;
            if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]))
            {
                // A crash can leave the last frame's bytes half written; damage with data after it is not a crash.
                if (allowTornTail && end == bytes.Length) break;
                throw new CorruptDataException(path, at, "checksum mismatch");
            }
            LogRecord record;
            try
            {
                record = RecordCodec.Read(payload);
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw new CorruptDataException(path, at, $"record does not decode ({e.Message})");
            }
            frames.Add(new Frame(record, at, end));
            at = end;
        }
        validLength = at;
        return frames;
    }

    private static bool IsAllZero(ReadOnlySpan<byte> span) => !span.ContainsAnyExcept((byte)0);
}
