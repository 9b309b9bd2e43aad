using System.Buffers;
using RogerRat.Core.Storage;

namespace RogerRat.Storage;

/// <summary>
/// A snapshot: the shadow's state through one sequence, as frames of the log's format (header, then each channel's
/// record, window, callsigns, sessions, keys and extension records, then a trailer with the frame count). Written to a temp file, fsynced
/// and renamed, so a snapshot file is either whole or absent; one without its trailer is corrupt.
/// </summary>
internal static class SnapshotFile
{
    public static void Write(string path, HubShadow shadow, long now)
    {
        var temp = path + ".tmp";
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        long frames = 0;
        using (var file = new FileStream(temp, DataDirectory.Options(FileMode.Create, FileAccess.Write, FileShare.None)))
        {
            void Put(in LogRecord record)
            {
                RecordCodec.WriteFrame(buffer, record with { Sequence = shadow.LastSequence });
                frames++;
                if (buffer.WrittenCount < 1 << 20) return;
                file.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }

            Put(new LogRecord(RecordKind.SnapshotHeader, "") { Number = shadow.ChannelsCreated, Number2 = shadow.JoinsTotal, Idempotency = Counter(shadow.MessagesTotal) });
            foreach (var channel in shadow.CreationOrder)
            {
                var id = channel.Settings.Id;
                Put(LogRecord.Created(channel.Settings));
                foreach (var message in channel.Window) Put(LogRecord.Appended(id, message));
                foreach (var name in channel.CallsignOrder)
                {
                    var cs = channel.Callsigns[name];
                    Put(new LogRecord(RecordKind.CallsignState, id) { Name = name, Number = cs.Cursor, Number2 = cs.HighWater, Hash = cs.IdentityKeyHash });
                }
                foreach (var (sessionId, session) in channel.SessionsInOrder())
                {
                    Put(LogRecord.SessionPut(id, new SessionRecord(sessionId, session.Callsign, session.JoinedAt)));
                }
                channel.PruneKeys(now);
                foreach (var key in channel.KeysInOrder())
                {
                    Put(new LogRecord(RecordKind.IdempotencyKeyState, id) { Idempotency = key.Record, Message = key.Message });
                }
                foreach (var (kind, key, value) in channel.Extensions) Put(LogRecord.ExtensionPut(id, kind, key, value));
                // The highest id the channel ever used (ids stay above it after its window moved on) and its first join
                // (the session that made it may be long gone), under the one name no callsign can have.
                Put(new LogRecord(RecordKind.CallsignState, id) { Name = "", Number = channel.MaxId, Number2 = channel.FirstJoinedAt });
            }
            Put(new LogRecord(RecordKind.SnapshotEnd, "") { Number = frames + 1 });
            file.Write(buffer.WrittenSpan);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Reads a snapshot into a new shadow; anything short of a whole, checked file is a <see cref="CorruptDataException"/>.</summary>
    public static HubShadow Read(string path, int maxKeysPerChannel)
    {
        var frames = LogScanner.Read(path, allowTornTail: false, out _);
        var shadow = new HubShadow(maxKeysPerChannel);
        if (frames.Count < 2 || frames[0].Record.Kind != RecordKind.SnapshotHeader || frames[^1].Record.Kind != RecordKind.SnapshotEnd
            || frames[^1].Record.Number != frames.Count)
        {
            throw new CorruptDataException(path, frames.Count > 0 ? frames[^1].Offset : 0, "snapshot is incomplete");
        }
        var header = frames[0].Record;
        ChannelShadow? channel = null;
        for (var i = 1; i < frames.Count - 1; i++)
        {
            var r = frames[i].Record;
            try
            {
                switch (r.Kind)
                {
                    case RecordKind.ChannelCreated:
                        shadow.Apply(r);
                        channel = shadow.Channels[r.ChannelId];
                        break;
                    case RecordKind.CallsignState when r.Name == "" && channel is not null && r.ChannelId == channel.Settings.Id:
                        channel.MaxId = Math.Max(channel.MaxId, r.Number);
                        channel.FirstJoinedAt = r.Number2;
                        break;
                    case RecordKind.CallsignState when channel is not null && r.ChannelId == channel.Settings.Id:
                        var cs = channel.Callsign(r.Name!);
                        (cs.Cursor, cs.HighWater, cs.IdentityKeyHash) = (r.Number, r.Number2, r.Hash);
                        channel.MaxId = Math.Max(channel.MaxId, Math.Max(r.Number, r.Number2));
                        break;
                    case RecordKind.IdempotencyKeyState when channel is not null && r.ChannelId == channel.Settings.Id:
                        channel.PutKey(r.Idempotency, r.Message);
                        break;
                    case RecordKind.ExtensionPut when r.Hash is not null && channel is not null && r.ChannelId == channel.Settings.Id:
                        shadow.Apply(r);
                        break;
                    case RecordKind.MessageAppended or RecordKind.SessionPut when channel is not null && r.ChannelId == channel.Settings.Id:
                        shadow.Apply(r);
                        break;
                    default:
                        throw new FormatException($"record kind {r.Kind} out of place in a snapshot");
                }
            }
            catch (FormatException e)
            {
                throw new CorruptDataException(path, frames[i].Offset, e.Message);
            }
        }
        shadow.ChannelsCreated = header.Number;
        shadow.JoinsTotal = header.Number2;
        shadow.MessagesTotal = header.Idempotency.MessageId;
        shadow.LastSequence = header.Sequence;
        return shadow;
    }

    private static IdempotencyRecord Counter(long value) => new("", "", 0, value, false, 0);
}
