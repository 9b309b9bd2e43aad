using System.Buffers;
using System.Globalization;
using System.Text.Json;
using RogerRat.Core;
using RogerRat.Core.Storage;
using RogerRat.Core.Storage.Shared;
using StackExchange.Redis;
using ChannelMessage = RogerRat.Core.ChannelMessage;

namespace RogerRat.Redis;

/// <summary>
/// How the shared store writes the engine's state into Redis values: JSON (readable with <c>redis-cli</c>, written and
/// read with <see cref="Utf8JsonWriter"/> / <see cref="JsonDocument"/>, no reflection), and the channel record as hash
/// fields. A value this hub cannot read is a fault of the store (503), never a crash.
/// </summary>
internal static class RedisCodec
{
    public static byte[] Write<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer)) write(w, value);
        return buffer.WrittenSpan.ToArray();
    }

    public static T Read<T>(ReadOnlyMemory<byte> json, Func<JsonElement, T> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return read(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"unreadable value in the shared store: {e.Message}", e);
        }
    }

    // ---- messages ----

    public static void Message(Utf8JsonWriter w, ChannelMessage m)
    {
        w.WriteStartObject();
        w.WriteNumber("id"u8, m.Id);
        w.WriteString("from"u8, m.From);
        w.WriteString("to"u8, m.To);
        w.WriteString("text"u8, m.Text);
        w.WriteNumber("at"u8, m.At);
        w.WriteNumber("kind"u8, (int)m.Kind);
        w.WriteNumber("pri"u8, (int)m.Priority);
        if (m.SuggestedReplies is { } replies)
        {
            w.WriteStartArray("replies"u8);
            foreach (var r in replies) w.WriteStringValue(r);
            w.WriteEndArray();
        }
        if (m.Attachments is { } attachments)
        {
            w.WriteStartArray("att"u8);
            foreach (var a in attachments)
            {
                w.WriteStartObject();
                w.WriteString("mime"u8, a.Mime);
                w.WriteString("data"u8, a.DataBase64);
                if (a.Filename is not null) w.WriteString("name"u8, a.Filename);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    public static ChannelMessage Message(JsonElement e)
    {
        string[]? replies = null;
        if (e.TryGetProperty("replies"u8, out var r)) replies = [.. r.EnumerateArray().Select(static x => x.GetString()!)];
        Attachment[]? attachments = null;
        if (e.TryGetProperty("att"u8, out var att))
        {
            attachments = [.. att.EnumerateArray().Select(static a => new Attachment(a.GetProperty("mime"u8).GetString()!, a.GetProperty("data"u8).GetString()!,
                a.TryGetProperty("name"u8, out var n) ? n.GetString() : null))];
        }
        return new ChannelMessage(e.GetProperty("id"u8).GetInt64(), Intern(e.GetProperty("from"u8).GetString()!), Intern(e.GetProperty("to"u8).GetString()!),
            e.GetProperty("text"u8).GetString()!, e.GetProperty("at"u8).GetInt64(), (MessageKind)e.GetProperty("kind"u8).GetInt32(),
            (MessagePriority)e.GetProperty("pri"u8).GetInt32(), replies, attachments);
    }

    // "all" must be the engine's own instance: a broadcast is recognised by reference first (ChannelMessage.IsBroadcast).
    private static string Intern(string s) => s == Callsigns.All ? Callsigns.All : s;

    // ---- callsigns and sessions ----

    public static void Callsign(Utf8JsonWriter w, CallsignImage c)
    {
        w.WriteStartObject();
        w.WriteNumber("cursor"u8, c.Cursor);
        w.WriteNumber("hw"u8, c.HighWater);
        w.WriteNumber("missed"u8, c.Missed);
        w.WriteNumber("edl"u8, c.EvictedDuringLease);
        w.WriteNumber("lv"u8, c.LeaseVersion);
        w.WriteBoolean("la"u8, c.LeaseActive);
        w.WriteNumber("lf"u8, c.LeaseFrom);
        w.WriteNumber("lc"u8, c.LeaseCursor);
        if (c.LeaseHub is not null) w.WriteString("lh"u8, c.LeaseHub);
        if (c.IdentityKeyHash is { } key) w.WriteBase64String("key"u8, key);
        w.WriteNumber("ja"u8, c.JoinedAt);
        w.WriteNumber("js"u8, c.JoinSeq);
        if (c.ParkedOn is not null) w.WriteString("po"u8, c.ParkedOn);
        w.WriteEndObject();
    }

    public static CallsignImage Callsign(JsonElement e) => new(e.GetProperty("cursor"u8).GetInt64(), e.GetProperty("hw"u8).GetInt64(),
        e.GetProperty("missed"u8).GetInt64(), e.GetProperty("edl"u8).GetInt64(), e.GetProperty("lv"u8).GetInt32(), e.GetProperty("la"u8).GetBoolean(),
        e.GetProperty("lf"u8).GetInt64(), e.GetProperty("lc"u8).GetInt64(), e.TryGetProperty("lh"u8, out var h) ? h.GetString() : null,
        e.TryGetProperty("key"u8, out var k) ? k.GetBytesFromBase64() : null,
        e.GetProperty("ja"u8).GetInt64(), e.GetProperty("js"u8).GetInt64(), e.TryGetProperty("po"u8, out var p) ? p.GetString() : null);

    public static void Session(Utf8JsonWriter w, SessionImage s)
    {
        w.WriteStartObject();
        w.WriteString("cs"u8, s.Callsign);
        w.WriteNumber("seen"u8, s.LastSeen);
        w.WriteEndObject();
    }

    public static SessionImage Session(JsonElement e) => new(e.GetProperty("cs"u8).GetString()!, e.GetProperty("seen"u8).GetInt64());

    // ---- idempotency keys ----

    public static void Key(Utf8JsonWriter w, RestoredIdempotencyKey k)
    {
        var r = k.Record;
        w.WriteStartObject();
        w.WriteString("sender"u8, r.Sender);
        w.WriteString("key"u8, r.Key);
        w.WriteString("fp"u8, r.Fingerprint.ToString(CultureInfo.InvariantCulture));
        w.WriteNumber("id"u8, r.MessageId);
        w.WriteBoolean("queued"u8, r.Queued);
        w.WriteNumber("exp"u8, r.ExpiresAt);
        w.WritePropertyName("msg"u8);
        Message(w, k.Message);
        w.WriteEndObject();
    }

    public static RestoredIdempotencyKey Key(JsonElement e) => new(new IdempotencyRecord(e.GetProperty("sender"u8).GetString()!,
        e.GetProperty("key"u8).GetString()!, ulong.Parse(e.GetProperty("fp"u8).GetString()!, CultureInfo.InvariantCulture),
        e.GetProperty("id"u8).GetInt64(), e.GetProperty("queued"u8).GetBoolean(), e.GetProperty("exp"u8).GetInt64()), Message(e.GetProperty("msg"u8)));

    /// <summary>The idempotency index member and key suffix of a key: the sender and the key, which never holds a newline.</summary>
    public static string KeyMember(in IdempotencyRecord r) => r.Sender + "\n" + r.Key;

    // ---- a write batch, as the change log carries it ----

    public static void Batch(Utf8JsonWriter w, ChannelBatch b)
    {
        w.WriteStartObject();
        w.WriteString("hub"u8, b.Hub);
        w.WriteNumber("seq"u8, b.Seq);
        Array(w, "msgs"u8, b.Messages, Message);
        Array(w, "status"u8, b.Statuses, Message);
        w.WriteStartObject("cs"u8);
        foreach (var (name, image) in b.Callsigns)
        {
            w.WritePropertyName(name);
            Callsign(w, image);
        }
        w.WriteEndObject();
        w.WriteStartObject("sess"u8);
        foreach (var (id, image) in b.Sessions)
        {
            w.WritePropertyName(id);
            Session(w, image);
        }
        w.WriteEndObject();
        w.WriteStartObject("gone"u8);
        foreach (var (id, at) in b.Removed) w.WriteNumber(id, at);
        w.WriteEndObject();
        Array(w, "keys"u8, b.Keys, Key);
        Array(w, "listens"u8, b.ListenStarted, static (w, s) => w.WriteStringValue(s));
        Array(w, "pruned"u8, b.TombstonesPruned, static (w, s) => w.WriteStringValue(s));
        w.WritePropertyName("st"u8);
        Scalars(w, b.Scalars);
        w.WriteEndObject();
    }

    public static ChannelBatch Batch(JsonElement e)
    {
        var b = new ChannelBatch { Hub = e.GetProperty("hub"u8).GetString()!, Seq = e.GetProperty("seq"u8).GetInt64() };
        foreach (var m in e.GetProperty("msgs"u8).EnumerateArray()) b.Messages.Add(Message(m));
        foreach (var m in e.GetProperty("status"u8).EnumerateArray()) b.Statuses.Add(Message(m));
        foreach (var p in e.GetProperty("cs"u8).EnumerateObject()) b.Callsigns.Add(new(p.Name, Callsign(p.Value)));
        foreach (var p in e.GetProperty("sess"u8).EnumerateObject()) b.Sessions.Add(new(p.Name, Session(p.Value)));
        foreach (var p in e.GetProperty("gone"u8).EnumerateObject()) b.Removed.Add(new(p.Name, p.Value.GetInt64()));
        foreach (var k in e.GetProperty("keys"u8).EnumerateArray()) b.Keys.Add(Key(k));
        foreach (var l in e.GetProperty("listens"u8).EnumerateArray()) b.ListenStarted.Add(l.GetString()!);
        foreach (var p in e.GetProperty("pruned"u8).EnumerateArray()) b.TombstonesPruned.Add(p.GetString()!);
        b.Scalars = Scalars(e.GetProperty("st"u8));
        return b;
    }

    private static void Array<T>(Utf8JsonWriter w, ReadOnlySpan<byte> name, List<T> items, Action<Utf8JsonWriter, T> write)
    {
        w.WriteStartArray(name);
        foreach (var item in items) write(w, item);
        w.WriteEndArray();
    }

    private static void Scalars(Utf8JsonWriter w, ChannelScalars s)
    {
        w.WriteStartObject();
        w.WriteNumber("last_id"u8, s.LastId);
        w.WriteNumber("first_joined"u8, s.FirstJoinedAt);
        w.WriteNumber("last_activity"u8, s.LastActivityAt);
        w.WriteNumber("join_seq"u8, s.JoinSeq);
        w.WriteEndObject();
    }

    private static ChannelScalars Scalars(JsonElement e) => new(e.GetProperty("last_id"u8).GetInt64(), e.GetProperty("first_joined"u8).GetInt64(),
        e.GetProperty("last_activity"u8).GetInt64(), e.GetProperty("join_seq"u8).GetInt64());

    /// <summary>The state hash's fields for <paramref name="s"/> (beside <c>seq</c>, which the commit script sets).</summary>
    public static RedisValue[] ScalarFields(ChannelScalars s) =>
    [
        "last_id", s.LastId, "first_joined", s.FirstJoinedAt, "last_activity", s.LastActivityAt, "join_seq", s.JoinSeq,
    ];

    public static ChannelScalars ScalarsOf(Dictionary<string, RedisValue> state) => new(Long(state, "last_id"), Long(state, "first_joined"),
        Long(state, "last_activity"), Long(state, "join_seq"));

    // ---- the channel record ----

    public static RedisValue[] RecordFields(ChannelSettings s)
    {
        var fields = new List<RedisValue>
        {
            "id", s.Id, "token", Convert.ToBase64String(s.TokenHash), "created", s.CreatedAt, "ttl_ms", (long)s.SessionTtl.TotalMilliseconds,
            "retention", (int)s.Retention, "trust", (int)s.TrustMode, "band", s.IsBand ? 1 : 0, "identity", s.RequireIdentity ? 1 : 0,
        };
        if (s.OwnerPassword is { } p)
        {
            fields.AddRange(["pw_salt", Convert.ToBase64String(p.Salt), "pw_hash", Convert.ToBase64String(p.Hash), "pw_iter", p.Iterations]);
        }
        return [.. fields];
    }

    public static ChannelSettings Record(Dictionary<string, RedisValue> f)
    {
        try
        {
            return new ChannelSettings
            {
                Id = f["id"]!,
                TokenHash = Convert.FromBase64String(f["token"]!),
                CreatedAt = Long(f, "created"),
                SessionTtl = TimeSpan.FromMilliseconds(Long(f, "ttl_ms")),
                Retention = (Retention)Long(f, "retention"),
                TrustMode = (TrustMode)Long(f, "trust"),
                IsBand = Long(f, "band") == 1,
                RequireIdentity = Long(f, "identity") == 1,
                OwnerPassword = f.TryGetValue("pw_hash", out var hash)
                    ? new PasswordHash(Convert.FromBase64String(f["pw_salt"]!), Convert.FromBase64String(hash!), (int)Long(f, "pw_iter"))
                    : null,
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException)
        {
            throw new InvalidDataException($"unreadable channel record in the shared store: {e.Message}", e);
        }
    }

    public static Dictionary<string, RedisValue> Fields(RedisResult hgetall)
    {
        var flat = (RedisValue[])hgetall!;
        var map = new Dictionary<string, RedisValue>(flat.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2) map[flat[i]!] = flat[i + 1];
        return map;
    }

    private static long Long(Dictionary<string, RedisValue> f, string name) =>
        f.TryGetValue(name, out var v) && v.TryParse(out long n) ? n : 0;
}
