using System.Text;
using System.Text.Json;
using RogerRat.Core;
using RogerRat.Core.Service;

namespace RogerRat.Tests.Api;

/// <summary>A broadcast's message object is encoded once and shared by every answer that carries it; the bytes on the
/// wire are the ones the writer produced before the cache.</summary>
public class WireJsonMessageCacheTests
{
    private static ChannelMessage Message(string to, string text = "hé \"there\" <b>", MessagePriority priority = MessagePriority.High) =>
        new(1_700_000_000_123, "alpha", to, text, 1_700_000_000_000, MessageKind.Message, priority, ["yes", "no"],
            [new Attachment("text/plain", "aGk=", "a.txt")]);

    private static string Body(ChannelMessage m) => Encoding.UTF8.GetString(WireJson.Write(m, static (w, msg) => Answer(w, [msg, msg])));

    private static void Answer(Utf8JsonWriter w, IReadOnlyList<ChannelMessage> messages)
    {
        w.WriteStartObject();
        WireJson.Messages(w, "messages"u8, messages);
        w.WriteEndObject();
    }

    [Fact]
    public void A_broadcast_is_encoded_once_and_written_as_a_dm_with_the_same_fields_is()
    {
        var broadcast = Message(Callsigns.All);
        var first = Body(broadcast);
        var cached = broadcast.EncodedJson;
        Assert.NotNull(cached);
        Assert.Equal(first, Body(broadcast));
        Assert.Same(cached, broadcast.EncodedJson);

        // A DM is written straight into the answer (no cache): the same fields give the same text, "to" aside.
        var dm = Message("bravo");
        Assert.Equal(first.Replace("\"to\":\"all\"", "\"to\":\"bravo\"", StringComparison.Ordinal), Body(dm));
        Assert.Null(dm.EncodedJson);

        using var doc = JsonDocument.Parse(first);
        var m = doc.RootElement.GetProperty("messages")[1];
        Assert.Equal("hé \"there\" <b>", m.GetProperty("text").GetString());
        Assert.Equal("high", m.GetProperty("priority").GetString());
        Assert.Equal("a.txt", m.GetProperty("attachments")[0].GetProperty("filename").GetString());
    }

    [Fact]
    public void A_broadcast_larger_than_the_cache_limit_is_encoded_per_answer()
    {
        var big = Message(Callsigns.All, new string('x', 20_000));
        Assert.Equal(Body(big), Body(big));
        Assert.Null(big.EncodedJson);
    }

    [Fact]
    public void Racing_encoders_keep_the_first_array()
    {
        var m = Message(Callsigns.All);
        var a = m.CacheEncodedJson([1]);
        var b = m.CacheEncodedJson([2]);
        Assert.Same(a, b);
        Assert.Same(a, m.EncodedJson);
    }

    [Fact]
    public void A_pooled_answer_has_the_bytes_of_an_unpooled_one()
    {
        var m = Message(Callsigns.All);
        var expected = WireJson.Write(m, static (w, msg) => Answer(w, [msg]));
        using var pooled = WireJson.WritePooled(m, static (w, msg) => Answer(w, [msg]));
        Assert.Equal(expected, pooled.Memory.ToArray());
    }

    [Fact]
    public void Writing_a_cached_broadcast_into_a_pooled_answer_allocates_nothing()
    {
        var m = Message(Callsigns.All);
        ChannelMessage[] messages = [m];
        Action<Utf8JsonWriter, ChannelMessage[]> write = static (w, ms) => Answer(w, ms);
        for (var i = 0; i < 3; i++) WireJson.WritePooled(messages, write).Dispose();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) WireJson.WritePooled(messages, write).Dispose();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
