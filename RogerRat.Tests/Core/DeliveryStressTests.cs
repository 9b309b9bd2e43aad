using System.Collections.Concurrent;
using System.Diagnostics;
using RogerRat.Core;

namespace RogerRat.Tests.Core;

/// <summary>
/// Multi-threaded stress (DESIGN guarantees 1–4): several senders and many listeners parking and waking concurrently,
/// with random disconnects and failed writes (abandons). At the end every callsign has committed every eligible message
/// exactly once, in id order, and no parked listen slept through a message. Timing is never the verdict on a shared
/// 2-core machine: listens wait far longer than any scheduling hiccup, so a lost wake-up shows as a listen that sits
/// out most of its timeout with a message pending. A few seconds by default; ROGERRAT_STRESS_SECONDS makes it a soak.
/// </summary>
public class DeliveryStressTests
{
    private const int Senders = 3;
    private const int Listeners = 24;
    private static readonly TimeSpan s_listenTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_lostWakeUp = TimeSpan.FromSeconds(8);

    /// <param name="lateReports">When set, a third of the deliveries are committed or abandoned from another task after
    /// the listener has already started its next listen, as over HTTP where the client reads the response (and may ask
    /// again on another connection) before the server's write completion commits it.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_listener_gets_every_eligible_message_once_in_order_and_on_time(bool lateReports)
    {
        var hub = new Hub(new HubOptions { RingCapacity = 1 << 16 }, runGarbageCollector: false);
        await RunAsync([hub.CreateChannel(new CreateChannelSpec()).Channel], lateReports, minDeliveries: 1000);
    }

    /// <summary>
    /// The stress run over one channel as one or several hubs see it: everyone joins through the first, sender i sends
    /// through hub i + 1, and each listen goes to a hub of its own picking (its commit or abandon to the same hub).
    /// </summary>
    /// <param name="minDeliveries">The senders go on past the run's seconds (at most a minute) until the listeners were
    /// due at least this many deliveries, so a slow machine still tests something.</param>
    internal static async Task RunAsync(Channel[] hubs, bool lateReports, int minDeliveries)
    {
        var seconds = double.TryParse(Environment.GetEnvironmentVariable("ROGERRAT_STRESS_SECONDS"), out var s) ? s : 3;
        var channel = hubs[0];
        var listenerNames = Enumerable.Range(0, Listeners).Select(i => $"l{i}").ToArray();
        var listenerSids = listenerNames.Select(n => channel.Join(new JoinRequest { Callsign = n }).SessionId).ToArray();
        var senderSids = Enumerable.Range(0, Senders).Select(i => channel.Join(new JoinRequest { Callsign = $"s{i}" }).SessionId).ToArray();

        var clock = Stopwatch.StartNew();
        var sentAt = new ConcurrentDictionary<long, TimeSpan>();
        var expected = listenerNames.ToDictionary(n => n, _ => new ConcurrentBag<long>());
        var receivedCounts = new int[Listeners];
        using var finished = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();

        var senders = Enumerable.Range(0, Senders).Select(i => Task.Run(async () =>
        {
            var rnd = new Random(1000 + i);
            var n = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds)
                   || (expected.Values.Sum(b => b.Count) <= minDeliveries && clock.Elapsed < TimeSpan.FromSeconds(60)))
            {
                // Bursts and pauses: a lost wake-up is masked by the next message for the same listener, so the
                // traffic needs quiet stretches in which a missed wake can only end at the listen's timeout.
                if (rnd.Next(12) == 0) await Task.Delay(rnd.Next(50, 300));
                var to = rnd.Next(10) == 0 ? "all" : listenerNames[rnd.Next(Listeners)];
                var m = (await hubs[(i + 1) % hubs.Length].SendAsync(senderSids[i], hubs[0].Prepare(new SendRequest { To = to, Text = $"s{i}-{n++}" }))).Message;
                sentAt[m.Id] = clock.Elapsed;
                foreach (var name in listenerNames)
                {
                    if (m.IsFor(name)) expected[name].Add(m.Id);
                }
                if (rnd.Next(2) == 0) await Task.Yield();
            }
        })).ToArray();

        var listeners = Enumerable.Range(0, Listeners).Select(i => Task.Run(async () =>
        {
            var rnd = new Random(i);
            var received = new List<long>();
            while (!finished.IsCancellationRequested)
            {
                using var disconnect = CancellationTokenSource.CreateLinkedTokenSource(finished.Token);
                var disconnects = rnd.Next(10) == 0;
                if (disconnects) disconnect.CancelAfter(rnd.Next(20));
                var started = clock.Elapsed;
                var on = hubs[rnd.Next(hubs.Length)];
                var d = await on.ListenAsync(listenerSids[i], s_listenTimeout, null, disconnect.Token);
                var returned = clock.Elapsed;
                if (d.Messages.Count == 0) continue;
                foreach (var m in d.Messages)
                {
                    var visibleFrom = sentAt.TryGetValue(m.Id, out var t) && t > started ? t : started;
                    if (returned - visibleFrom > s_lostWakeUp)
                    {
                        failures.Enqueue($"{listenerNames[i]} got {m.Id} {(returned - visibleFrom).TotalMilliseconds:F0} ms late (lost wake-up)");
                    }
                }
                var abandon = rnd.Next(10) == 0; // the write failed: these must come again
                if (!abandon) received.AddRange(d.Messages.Select(m => m.Id));
                if (lateReports && rnd.Next(3) == 0)
                {
                    var (late, delayMs) = (d, rnd.Next(2));
                    _ = Task.Run(async () =>
                    {
                        await Task.Delay(delayMs);
                        if (abandon) await on.AbandonAsync(late);
                        else await on.CommitAsync(late);
                    });
                }
                else if (abandon) await on.AbandonAsync(d);
                else await on.CommitAsync(d);
                Volatile.Write(ref receivedCounts[i], received.Count);
            }
            return received;
        })).ToArray();

        await Task.WhenAll(senders);
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(60);
        while (clock.Elapsed < deadline && Enumerable.Range(0, Listeners).Any(i => Volatile.Read(ref receivedCounts[i]) < expected[listenerNames[i]].Count))
        {
            await Task.Delay(20);
        }
        finished.Cancel(); // answers the listens still parked with nothing left to get
        var results = await Task.WhenAll(listeners);

        Assert.Empty(failures);
        for (var i = 0; i < Listeners; i++)
        {
            var got = results[i];
            var want = expected[listenerNames[i]].Order().ToArray();
            var bad = got.Zip(got.Skip(1)).Select((p, k) => (p, k)).FirstOrDefault(x => x.p.First >= x.p.Second);
            Assert.True(bad == default, $"{listenerNames[i]}: out of order or duplicated at {bad.k}: {bad.p.First} then {bad.p.Second}; around: {string.Join(",", got.Skip(Math.Max(0, bad.k - 3)).Take(8))}");
            Assert.Equal(want, got.ToArray());
        }
        Assert.True(expected.Values.Sum(b => b.Count) > minDeliveries, "the run delivered too little to mean anything");
    }

    [Fact]
    public void A_send_racing_a_listen_as_it_parks_always_wakes_it()
    {
        // The no-lost-wake-up handshake has a window of a few hundred nanoseconds between a listen's read of the ring
        // and the publication of its waiter. Two threads meet at a barrier every round and the sender fires after a
        // random spin, so over thousands of rounds sends land on every instruction of that window. A lost wake-up
        // leaves the listen parked for its whole (long) timeout.
        var hub = new Hub(new HubOptions { RingCapacity = 1 << 15 }, runGarbageCollector: false);
        var channel = hub.CreateChannel(new CreateChannelSpec()).Channel;
        var listenerSid = channel.Join(new JoinRequest { Callsign = "listener" }).SessionId;
        var senderSid = channel.Join(new JoinRequest { Callsign = "sender" }).SessionId;
        const int rounds = 5000;
        using var barrier = new Barrier(2);
        string? failure = null;

        var sender = new Thread(() =>
        {
            var rnd = new Random(7);
            for (var i = 0; i < rounds && Volatile.Read(ref failure) is null; i++)
            {
                var spins = rnd.Next(0, 4000);
                barrier.SignalAndWait();
                Thread.SpinWait(spins);
                channel.Send(senderSid, new SendRequest { To = "listener", Text = "ping" });
                barrier.SignalAndWait();
            }
        });
        var listener = new Thread(() =>
        {
            for (var i = 0; i < rounds && Volatile.Read(ref failure) is null; i++)
            {
                barrier.SignalAndWait();
                using var giveUp = new CancellationTokenSource();
                var task = channel.ListenAsync(listenerSid, TimeSpan.FromMinutes(2), null, giveUp.Token).AsTask();
                if (!task.Wait(s_lostWakeUp))
                {
                    Volatile.Write(ref failure, $"round {i}: the listen stayed parked with the message pending (lost wake-up)");
                    giveUp.Cancel();
                }
                var d = task.Result;
                if (d.Messages.Count == 0) d = channel.ListenAsync(listenerSid, TimeSpan.Zero).AsTask().Result;
                channel.Commit(d);
                barrier.SignalAndWait();
            }
        });
        sender.Start();
        listener.Start();
        Assert.True(sender.Join(TimeSpan.FromMinutes(3)) && listener.Join(TimeSpan.FromMinutes(3)), "rounds did not finish");
        Assert.Null(failure);
    }
}
