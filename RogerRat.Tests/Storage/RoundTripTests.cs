using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Storage;

namespace RogerRat.Tests.Storage;

/// <summary>
/// A hub on the log, disposed and reopened, is the hub it was: channel settings and secrets, rosters in join order,
/// cursors, identity keys, idempotency keys, ids and counters, recovered from the log alone or from a snapshot.
/// </summary>
public class RoundTripTests
{
    private static readonly string[] s_sessions =
        ["sess-alpha-1", "sess-bravo-1", "sess-charlie-1", "sess-delta-1", "sess-echo-0001", "sess-foxtrot-1", "sess-band-0001"];

    private sealed record Before(string Ch1, string Ch2, string Token1, string KeyAlpha, string KeyDelta, long FirstKeyedId,
        Dictionary<string, long> MaxIdByChannel, HubStats Stats, List<string> State);

    private static Before RunScript(StoredHub h, FakeTimeProvider time)
    {
        var hub = h.Hub;
        void Tick() => time.Advance(TimeSpan.FromSeconds(1));

        var c1 = hub.CreateChannel(new CreateChannelSpec
        {
            OwnerPassword = "owner-secret",
            RequireIdentity = true,
            Retention = Retention.Full,
            TrustMode = TrustMode.Trusted,
            SessionTtlSeconds = 900,
        });
        var c2 = hub.CreateChannel(new CreateChannelSpec { Retention = Retention.Metadata });
        var ch1 = c1.Channel;
        var ch2 = c2.Channel;
        Tick();

        var alpha = ch1.Join(new JoinRequest { Callsign = "alpha", SessionId = "sess-alpha-1" });
        Tick();
        ch1.Join(new JoinRequest { Callsign = "bravo", SessionId = "sess-bravo-1" });
        Tick();
        ch1.Join(new JoinRequest { Callsign = "charlie", SessionId = "sess-charlie-1" });
        Tick();
        var delta = ch1.Join(new JoinRequest { Callsign = "delta", SessionId = "sess-delta-1" });
        Tick();
        Assert.True(ch1.Leave("sess-delta-1"));
        Tick();

        ch1.Send("sess-alpha-1", new SendRequest { To = "bravo", Text = "dm-1" });
        Tick();
        ch1.Send("sess-alpha-1", new SendRequest { Text = "hello all" });
        Tick();
        ch1.Send("sess-bravo-1", new SendRequest { To = "alpha", Text = "dm-2" });
        Tick();
        ch1.Send("sess-charlie-1", new SendRequest { To = "#1", Text = "dm-3 to #1" });
        Tick();
        var keyed = ch1.Send("sess-alpha-1", KeyedRequest(), "idem-1");
        Assert.False(keyed.Replayed);
        Tick();

        var bravoGot = ch1.ListenAsync("sess-bravo-1", TimeSpan.Zero).Result;
        Assert.Equal(["dm-1", "hello all", "keyed"], bravoGot.Messages.Select(static m => m.Text));
        ch1.Commit(bravoGot);
        var alphaGot = ch1.ListenAsync("sess-alpha-1", TimeSpan.Zero).Result;
        Assert.Equal(["dm-2", "dm-3 to #1"], alphaGot.Messages.Select(static m => m.Text));
        ch1.Commit(alphaGot);
        Tick();

        ch1.Send("sess-alpha-1", new SendRequest { To = "bravo", Text = "after-commit-1" });
        Tick();
        ch1.Send("sess-charlie-1", new SendRequest { Text = "after-commit-2" });
        Tick();
        Assert.True(ch1.Send("sess-alpha-1", new SendRequest { To = "delta", Text = "queued for delta" }).Queued);
        Tick();

        ch2.Join(new JoinRequest { Callsign = "echo", SessionId = "sess-echo-0001" });
        ch2.Join(new JoinRequest { Callsign = "foxtrot", SessionId = "sess-foxtrot-1" });
        Tick();
        ch2.Send("sess-echo-0001", new SendRequest { Text = "echo broadcast" });
        var fox = ch2.ListenAsync("sess-foxtrot-1", TimeSpan.Zero).Result;
        ch2.Commit(fox);
        Tick();
        ch2.Join(new JoinRequest { Callsign = "golf", SessionId = "sess-echo-0001" }); // rename: echo goes offline
        Tick();
        ch2.Send("sess-foxtrot-1", new SendRequest { To = "echo", Text = "to the old name" });

        var band = hub.GetChannel("general");
        band.Join(new JoinRequest { Callsign = "hotel", SessionId = "sess-band-0001" });
        band.Send("sess-band-0001", new SendRequest { Text = "band hello" });
        Tick();

        var maxIds = hub.Channels.ToDictionary(static c => c.Id, static c => c.History(1000).Select(static m => m.Id).DefaultIfEmpty(0).Max());
        return new Before(ch1.Id, ch2.Id, c1.JoinToken, alpha.IdentityKey!, delta.IdentityKey!, keyed.Message.Id, maxIds, hub.Stats,
            StorageKit.Observe(hub, s_sessions, clockFree: true));
    }

    private static SendRequest KeyedRequest() =>
        new() { To = "bravo", Text = "keyed", Priority = "high", SuggestedReplies = ["yes", "no"] };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Everything_survives_a_restart(bool snapshotOnDispose)
    {
        using var tmp = new TempDir();
        var dir = tmp.Sub("data");
        var options = StorageKit.Options(dir, snapshotOnDispose, FsyncPolicy.Batch);
        Before before;
        var time = new FakeTimeProvider(StorageKit.Start);
        using (var h = new StoredHub(options, StorageKit.FastHub(), time)) before = RunScript(h, time);

        // The clock moved back an hour across the restart: ids must still go up.
        var later = new FakeTimeProvider(StorageKit.Start - TimeSpan.FromHours(1));
        using var again = new StoredHub(options, StorageKit.FastHub(), later);
        var r = again.Store.Recovery;
        if (snapshotOnDispose)
        {
            Assert.NotNull(r.SnapshotFile);
            Assert.Equal(0, r.RecordsReplayed);
        }
        else
        {
            Assert.Null(r.SnapshotFile);
            Assert.True(r.RecordsReplayed > 20, $"replayed {r.RecordsReplayed}");
        }
        Assert.False(r.TornTailCut);
        var hub = again.Hub;

        StorageKit.AssertSameState(before.State, StorageKit.Observe(hub, s_sessions, clockFree: true), "after restart");
        Assert.Equal(before.Stats with { StartedAt = 0 }, hub.Stats with { StartedAt = 0 });
        Assert.Equal(2, hub.Stats.ChannelsCreated);

        var ch1 = hub.GetChannel(before.Ch1);
        Assert.True(ch1.Settings.RequireIdentity);
        Assert.Equal(Retention.Full, ch1.Settings.Retention);
        Assert.Equal(TrustMode.Trusted, ch1.Settings.TrustMode);
        Assert.Equal(TimeSpan.FromSeconds(900), ch1.Settings.SessionTtl);
        Assert.True(ch1.VerifyOwnerPassword("owner-secret"));
        Assert.False(ch1.VerifyOwnerPassword("owner-secreT"));
        Assert.True(Hub.IsAuthorized(ch1, before.Token1));
        Assert.False(Hub.IsAuthorized(ch1, before.Token1 + "x"));
        var ch2 = hub.GetChannel(before.Ch2);
        Assert.False(ch2.Settings.RequireIdentity);
        Assert.Null(ch2.Settings.OwnerPassword);
        Assert.Equal(Retention.Metadata, ch2.Settings.Retention);
        Assert.True(hub.GetChannel("general").Settings.IsBand);

        // Roster in join order, and the offline callsigns remembered.
        Assert.Equal(["alpha", "bravo", "charlie"], ch1.RosterWithIndex().Select(static e => e.Callsign));
        Assert.Equal([1, 2, 3], ch1.RosterWithIndex().Select(static e => e.Idx));
        Assert.Equal(["alpha", "bravo", "charlie", "delta"], ch1.RosterAll().Select(static e => e.Callsign));
        Assert.Equal(["foxtrot", "golf"], ch2.RosterWithIndex().Select(static e => e.Callsign));
        Assert.Contains(ch2.RosterAll(), static e => e is { Callsign: "echo", Online: false });

        // Cursors: a plain listen hands out exactly what was not committed.
        Assert.Equal(["after-commit-1", "after-commit-2"], Pending(ch1, "sess-bravo-1"));
        Assert.Equal(["after-commit-2"], Pending(ch1, "sess-alpha-1"));
        Assert.Equal(["hello all"], Pending(ch1, "sess-charlie-1"));
        Assert.Empty(Pending(ch2, "sess-foxtrot-1"));

        // Identity keys: a wrong key is refused, the right one gets the live session back or the offline callsign.
        Assert.Throws<HubException>(() => ch1.Join(new JoinRequest { Callsign = "alpha", SessionId = "sess-alpha-2", IdentityKey = "wrong" }));
        Assert.True(ch1.Join(new JoinRequest { Callsign = "alpha", SessionId = "sess-alpha-1", IdentityKey = before.KeyAlpha }).Idempotent);
        Assert.Throws<HubException>(() => ch1.Join(new JoinRequest { Callsign = "delta", SessionId = "sess-delta-2", IdentityKey = before.KeyAlpha }));
        var deltaBack = ch1.Join(new JoinRequest { Callsign = "delta", SessionId = "sess-delta-2", IdentityKey = before.KeyDelta });
        Assert.False(deltaBack.Idempotent);
        Assert.Null(deltaBack.IdentityKey); // not minted again
        Assert.Equal(["hello all", "after-commit-2", "queued for delta"], Pending(ch1, "sess-delta-2"));

        // The idempotent retry answers with the first result and stores nothing.
        var historyBefore = ch1.History(100).Length;
        var retry = ch1.Send("sess-alpha-1", KeyedRequest(), "idem-1");
        Assert.True(retry.Replayed);
        Assert.Equal(before.FirstKeyedId, retry.Message.Id);
        Assert.Equal("keyed", retry.Message.Text);
        Assert.Equal(historyBefore, ch1.History(100).Length);
        Assert.Throws<HubException>(() => ch1.Send("sess-alpha-1", new SendRequest { To = "bravo", Text = "other" }, "idem-1"));

        // New ids are above every id used before the restart, though the clock is an hour behind.
        foreach (var (id, sid) in new[] { (before.Ch1, "sess-bravo-1"), (before.Ch2, "sess-foxtrot-1"), ("general", "sess-band-0001") })
        {
            var sent = hub.GetChannel(id).Send(sid, new SendRequest { Text = "after restart" });
            Assert.True(sent.Message.Id > before.MaxIdByChannel[id], $"{id}: new id {sent.Message.Id} <= {before.MaxIdByChannel[id]}");
        }
    }

    [Fact]
    public void Log_and_snapshot_recovery_give_the_same_state()
    {
        // Same script, two dirs: recovered from the log only, and from a snapshot. Both must equal the live state.
        using var tmp = new TempDir();
        var states = new List<List<string>>();
        foreach (var snapshot in new[] { false, true })
        {
            var dir = tmp.Sub("data-" + states.Count);
            var options = StorageKit.Options(dir, snapshot);
            var time = new FakeTimeProvider(StorageKit.Start);
            Before before;
            using (var h = new StoredHub(options, StorageKit.FastHub(), time, new SeededRandom(7))) before = RunScript(h, time);
            using var again = new StoredHub(options, StorageKit.FastHub(), new FakeTimeProvider(StorageKit.Start), new SeededRandom(8));
            var state = StorageKit.Observe(again.Hub, s_sessions, clockFree: true);
            StorageKit.AssertSameState(before.State, state, $"snapshot={snapshot}");
            states.Add(state);
        }
        StorageKit.AssertSameState(states[0], states[1], "log-only vs snapshot");
    }

    private static string[] Pending(Channel ch, string sessionId)
    {
        var d = ch.ListenAsync(sessionId, TimeSpan.Zero).Result;
        ch.Abandon(d);
        return [.. d.Messages.Select(static m => m.Text)];
    }
}
