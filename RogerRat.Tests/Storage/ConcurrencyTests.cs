using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Storage;

namespace RogerRat.Tests.Storage;

/// <summary>Concurrent senders sharing fsyncs: every acknowledged send is in the log once, in id order.</summary>
public class ConcurrencyTests
{
    [Theory]
    [InlineData(FsyncPolicy.Batch, 8, 60)]
    [InlineData(FsyncPolicy.Always, 8, 10)]
    [InlineData(FsyncPolicy.Off, 8, 60)]
    public async Task Every_acknowledged_send_survives_exactly_once(FsyncPolicy fsync, int senders, int perSender)
    {
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        var options = StorageKit.Options(dir, snapshotOnDispose: false, fsync);
        var hubOptions = StorageKit.FastHub(ringCapacity: 1024);
        var time = new FakeTimeProvider(StorageKit.Start); // frozen: ids come from the +1 rule under contention
        string channelId;
        var acked = new List<SendResult>[senders];
        using (var h = new StoredHub(options, hubOptions, time))
        {
            var ch = h.Hub.CreateChannel(new CreateChannelSpec()).Channel;
            channelId = ch.Id;
            var sids = new string[senders];
            for (var i = 0; i < senders; i++) sids[i] = (await ch.JoinAsync(new JoinRequest { Callsign = $"sender{i}", SessionId = $"sess-sender-{i}" })).SessionId;
            using var go = new Barrier(senders);
            var tasks = Enumerable.Range(0, senders).Select(i => Task.Run(async () =>
            {
                var mine = new List<SendResult>();
                go.SignalAndWait();
                for (var n = 0; n < perSender; n++)
                {
                    var to = n % 3 == 0 ? $"sender{(i + 1) % senders}" : null;
                    mine.Add(await ch.SendAsync(sids[i], ch.Prepare(new SendRequest { To = to, Text = $"s{i}-n{n}" }), n % 5 == 0 ? $"k-{n}" : null));
                }
                acked[i] = mine;
            })).ToArray();
            await Task.WhenAll(tasks);
            Assert.True(h.Store.DurableSequence > senders * perSender);
        }

        using var again = new StoredHub(options, hubOptions, new FakeTimeProvider(StorageKit.Start));
        Assert.False(again.Store.Recovery.TornTailCut);
        var history = again.Hub.GetChannel(channelId).History(1024);
        Assert.Equal(senders * perSender, history.Length);
        for (var k = 1; k < history.Length; k++) Assert.True(history[k].Id > history[k - 1].Id, $"ids at {k}: {history[k - 1].Id}, {history[k].Id}");
        var byText = history.GroupBy(static m => m.Text).ToDictionary(static g => g.Key, static g => g.ToArray());
        foreach (var r in acked.SelectMany(static a => a))
        {
            var found = Assert.Single(byText[r.Message.Text]);
            Assert.Equal(r.Message.Id, found.Id);
            Assert.Equal(r.Message.From, found.From);
            Assert.Equal(r.Message.To, found.To);
        }
        // Per sender, ids follow the order the sends were acknowledged in.
        foreach (var mine in acked)
        {
            for (var k = 1; k < mine.Count; k++) Assert.True(mine[k].Message.Id > mine[k - 1].Message.Id);
        }
        Assert.Equal(senders * perSender, again.Hub.Stats.MessagesTotal);
    }
}
