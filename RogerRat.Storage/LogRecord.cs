using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Storage;

/// <summary>What a record of the log (or of a snapshot) says. The byte values are the file format: never renumber.</summary>
internal enum RecordKind : byte
{
    ChannelCreated = 1,
    MessageAppended = 2,
    CursorCommitted = 3,
    SessionPut = 4,
    SessionRemoved = 5,
    CallsignPut = 6,
    IdempotencyKeyPut = 7,
    /// <summary>An <see cref="IExtensionStore"/> record put (value) or forgotten (no value); also a snapshot's extension records.</summary>
    ExtensionPut = 8,

    // Snapshot only: the header (the sequence it covers, the hub's counters), a callsign with its cursor, a key with
    // its message (which may have left the window), and the trailer that proves the snapshot complete.
    SnapshotHeader = 64,
    CallsignState = 65,
    IdempotencyKeyState = 66,
    SnapshotEnd = 67,
}

/// <summary>
/// One logged write, as staged (structured, so the writer thread encodes it outside every lock and applies it to its
/// <see cref="HubShadow"/>) and as decoded at recovery. Which fields are set depends on <see cref="Kind"/>.
/// </summary>
internal readonly record struct LogRecord(RecordKind Kind, string ChannelId)
{
    public long Sequence { get; init; }
    public ChannelSettings? Settings { get; init; }
    public ChannelMessage? Message { get; init; }
    /// <summary>Callsign (cursor, callsign, key records) or session id (session records).</summary>
    public string? Name { get; init; }
    /// <summary>The callsign of a session record.</summary>
    public string? Callsign { get; init; }
    /// <summary>Cursor, or a session's join time.</summary>
    public long Number { get; init; }
    /// <summary>High-water cursor of a snapshot's callsign.</summary>
    public long Number2 { get; init; }
    public byte[]? Hash { get; init; }
    public IdempotencyRecord Idempotency { get; init; }

    public static LogRecord Created(ChannelSettings settings) => new(RecordKind.ChannelCreated, settings.Id) { Settings = settings };

    public static LogRecord Appended(string channelId, ChannelMessage message) => new(RecordKind.MessageAppended, channelId) { Message = message };

    public static LogRecord Cursor(string channelId, string callsign, long cursor) =>
        new(RecordKind.CursorCommitted, channelId) { Name = callsign, Number = cursor };

    public static LogRecord SessionPut(string channelId, in SessionRecord session) =>
        new(RecordKind.SessionPut, channelId) { Name = session.SessionId, Callsign = session.Callsign, Number = session.JoinedAt };

    public static LogRecord SessionRemoved(string channelId, string sessionId) => new(RecordKind.SessionRemoved, channelId) { Name = sessionId };

    public static LogRecord CallsignPut(string channelId, in CallsignRecord callsign) =>
        new(RecordKind.CallsignPut, channelId) { Name = callsign.Callsign, Hash = callsign.IdentityKeyHash };

    /// <summary>Name is the extension's kind, Callsign its key, Hash its value (null: forgotten).</summary>
    public static LogRecord ExtensionPut(string channelId, string kind, string key, byte[]? value) =>
        new(RecordKind.ExtensionPut, channelId) { Name = kind, Callsign = key, Hash = value };

    public static LogRecord KeyPut(string channelId, in IdempotencyRecord record) =>
        new(RecordKind.IdempotencyKeyPut, channelId) { Idempotency = record };
}
