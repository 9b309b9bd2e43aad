using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Storage;

/// <summary>
/// What the log says, replayed: the state a snapshot writes and recovery rebuilds the hub from. Only the writer thread
/// touches it once the store is open (it applies each record after writing it), so it needs no lock. Messages are the
/// same immutable objects the channels' windows hold.
/// </summary>
internal sealed class HubShadow(int maxKeysPerChannel)
{
    public Dictionary<string, ChannelShadow> Channels { get; } = new(StringComparer.Ordinal);
    public List<ChannelShadow> CreationOrder { get; } = [];
    public long LastSequence;
    public long ChannelsCreated;
    public long JoinsTotal;
    public long MessagesTotal;

    /// <summary>Messages a channel's window keeps (the hub's ring capacity, known once a hub loads the store).</summary>
    public int WindowCapacity = 1 << 16;

    /// <summary>Applies one log record; a record about a channel the log never created is corruption.</summary>
    public void Apply(in LogRecord r)
    {
        LastSequence = r.Sequence;
        if (r.Kind == RecordKind.ChannelCreated)
        {
            if (Channels.ContainsKey(r.ChannelId)) throw new FormatException($"channel {r.ChannelId} created twice");
            var created = new ChannelShadow(r.Settings!, maxKeysPerChannel) { WindowCapacity = WindowCapacity };
            Channels.Add(r.ChannelId, created);
            CreationOrder.Add(created);
            if (!r.Settings!.IsBand) ChannelsCreated++;
            return;
        }
        if (!Channels.TryGetValue(r.ChannelId, out var channel)) throw new FormatException($"record for unknown channel {r.ChannelId}");
        switch (r.Kind)
        {
            case RecordKind.MessageAppended:
                channel.Append(r.Message!);
                MessagesTotal++;
                break;
            case RecordKind.CursorCommitted:
                channel.Commit(r.Name!, r.Number);
                break;
            case RecordKind.SessionPut:
                channel.PutSession(r.Name!, r.Callsign!, r.Number);
                JoinsTotal++;
                break;
            case RecordKind.SessionRemoved:
                channel.Sessions.Remove(r.Name!);
                break;
            case RecordKind.CallsignPut:
                channel.Callsign(r.Name!).IdentityKeyHash = r.Hash;
                break;
            case RecordKind.IdempotencyKeyPut:
                channel.PutKey(r.Idempotency, channel.FindMessage(r.Idempotency.MessageId));
                break;
            case RecordKind.ExtensionPut:
                channel.PutExtension(r.Name!, r.Callsign!, r.Hash);
                break;
            default:
                throw new FormatException($"record kind {r.Kind} does not belong in the log");
        }
    }
}

/// <summary>One channel as the log says it is.</summary>
internal sealed class ChannelShadow(ChannelSettings settings, int maxKeys)
{
    public sealed class CallsignShadow
    {
        public long Cursor;
        public long HighWater;
        public byte[]? IdentityKeyHash;
    }

    public readonly record struct SessionShadow(string Callsign, long JoinedAt, long Order);

    private long _sessionOrder;

    public ChannelSettings Settings { get; } = settings;

    /// <summary>Every message appended since the last snapshot's window, oldest first; trimmed to the ring's capacity on use.</summary>
    public Queue<ChannelMessage> Window { get; } = new();
    public int WindowCapacity { get; set; } = 1 << 16;
    public long MaxId;
    public Dictionary<string, CallsignShadow> Callsigns { get; } = new(StringComparer.Ordinal);
    public List<string> CallsignOrder { get; } = [];
    public Dictionary<string, SessionShadow> Sessions { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string Sender, string Key), RestoredIdempotencyKey> Keys { get; } = [];
    private readonly Queue<(string Sender, string Key, long ExpiresAt)> _keyOrder = new();
    public long FirstJoinedAt;
    public long LastActivityAt;

    /// <summary>Extension records in the order first written; a channel holds few (webhooks: at most ten), so a list.</summary>
    public List<(string Kind, string Key, byte[] Value)> Extensions { get; } = [];

    public void PutExtension(string kind, string key, byte[]? value)
    {
        var at = Extensions.FindIndex(e => e.Kind == kind && e.Key == key);
        if (value is null)
        {
            if (at >= 0) Extensions.RemoveAt(at);
        }
        else if (at >= 0) Extensions[at] = (kind, key, value);
        else Extensions.Add((kind, key, value));
    }

    public void Append(ChannelMessage message)
    {
        Window.Enqueue(message);
        while (Window.Count > WindowCapacity) Window.Dequeue();
        MaxId = Math.Max(MaxId, message.Id);
        LastActivityAt = Math.Max(LastActivityAt, message.At);
    }

    public CallsignShadow Callsign(string name)
    {
        if (!Callsigns.TryGetValue(name, out var cs))
        {
            Callsigns.Add(name, cs = new CallsignShadow());
            CallsignOrder.Add(name);
        }
        return cs;
    }

    public void Commit(string callsign, long cursor)
    {
        var cs = Callsign(callsign);
        cs.Cursor = cursor;
        cs.HighWater = Math.Max(cs.HighWater, cursor);
        MaxId = Math.Max(MaxId, cursor);
    }

    public void PutSession(string sessionId, string callsign, long joinedAt)
    {
        Callsign(callsign);
        Sessions[sessionId] = new SessionShadow(callsign, joinedAt, ++_sessionOrder);
        if (FirstJoinedAt == 0) FirstJoinedAt = joinedAt;
        LastActivityAt = Math.Max(LastActivityAt, joinedAt);
    }

    /// <summary>The retained message with <paramref name="id"/>; keyed sends are appended right before their key, so look from the end.</summary>
    public ChannelMessage? FindMessage(long id)
    {
        ChannelMessage? found = null;
        foreach (var m in Window) if (m.Id == id) found = m;
        return found;
    }

    public void PutKey(in IdempotencyRecord record, ChannelMessage? message)
    {
        if (message is null) return; // its message already left the window: nothing to replay with
        Keys[(record.Sender, record.Key)] = new RestoredIdempotencyKey(record, message);
        _keyOrder.Enqueue((record.Sender, record.Key, record.ExpiresAt));
        while (Keys.Count > maxKeys && _keyOrder.TryDequeue(out var oldest)) RemoveKeyIfCurrent(oldest);
    }

    /// <summary>Drops keys past their lifetime (before a snapshot).</summary>
    public void PruneKeys(long now)
    {
        while (_keyOrder.TryPeek(out var oldest) && oldest.ExpiresAt <= now) RemoveKeyIfCurrent(_keyOrder.Dequeue());
    }

    private void RemoveKeyIfCurrent((string Sender, string Key, long ExpiresAt) entry)
    {
        if (Keys.TryGetValue((entry.Sender, entry.Key), out var k) && k.Record.ExpiresAt == entry.ExpiresAt) Keys.Remove((entry.Sender, entry.Key));
    }

    /// <summary>Keys in insertion order (the cache's eviction order).</summary>
    public IEnumerable<RestoredIdempotencyKey> KeysInOrder()
    {
        foreach (var (sender, key, expiresAt) in _keyOrder)
        {
            if (Keys.TryGetValue((sender, key), out var k) && k.Record.ExpiresAt == expiresAt) yield return k;
        }
    }

    public IEnumerable<(string SessionId, SessionShadow Session)> SessionsInOrder() =>
        Sessions.OrderBy(static s => s.Value.Order).Select(static s => (s.Key, s.Value));
}
