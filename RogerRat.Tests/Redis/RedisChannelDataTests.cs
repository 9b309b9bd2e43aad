using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using RogerRat.Core;
using RogerRat.Redis;

namespace RogerRat.Tests.Redis;

/// <summary>
/// The shared store's primitives against a real redis-server, each "hub" its own connection: ids minted in Redis are
/// strictly increasing whoever appends, a delivery lease lets one hub at a time deliver to a callsign, cursors only move
/// forward, and a Redis that goes away is 503 <c>store_unavailable</c> within the operation timeout, then recovers with
/// no new connection.
/// </summary>
public sealed class RedisChannelDataTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    private static Task<RedisConnection> Hub(RedisServer server) =>
        RedisConnection.ConnectAsync(new RedisStoreOptions { Configuration = server.Configuration, OperationTimeout = Timeout });

    private static RedisChannelData Channel(RedisConnection hub, string id, int capacity = 1000) =>
        new(hub, new RedisKeys(hub.Options.KeyPrefix, id), capacity);

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [RedisFact]
    public async Task Ids_are_strictly_increasing_across_hubs_even_when_the_clock_stands_still_or_runs_back()
    {
        await using var server = await RedisServer.StartNewAsync();
        await using var a = await Hub(server);
        await using var b = await Hub(server);
        var onA = Channel(a, "ids");
        var onB = Channel(b, "ids");
        const long now = 1_800_000_000_000;
        var minted = new ConcurrentBag<long>();
        // Both hubs append at once with the same clock reading, then with one behind it.
        await Task.WhenAll(Enumerable.Range(0, 400).Select(async i =>
            minted.Add(await (i % 2 == 0 ? onA : onB).AppendAsync(Bytes($"m{i}"), i < 200 ? now : now - 5_000))));

        Assert.Equal(400, minted.Distinct().Count());
        var stored = await onA.ReadAfterAsync(0, 1000);
        Assert.Equal(minted.Order(), stored.Select(e => e.Id));
        Assert.Equal(now, stored[0].Id);
        Assert.Equal(now + 399, stored[^1].Id);
        // A clock ahead of the ring is taken as it is.
        Assert.Equal(now + 10_000, await onB.AppendAsync(Bytes("later"), now + 10_000));
    }

    [RedisFact]
    public async Task The_ring_keeps_exactly_its_capacity_and_reads_after_a_cursor_in_order()
    {
        await using var server = await RedisServer.StartNewAsync();
        await using var a = await Hub(server);
        var ring = Channel(a, "ring", capacity: 10);
        var ids = new List<long>();
        for (var i = 0; i < 25; i++) ids.Add(await ring.AppendAsync(Bytes($"m{i}"), 1000 + i));

        Assert.Equal(10, await ring.CountAsync());
        var after = await ring.ReadAfterAsync(ids[19], 100);
        Assert.Equal(ids[20..], after.Select(e => e.Id));
        Assert.Equal(["m20", "m21", "m22", "m23", "m24"], after.Select(e => Encoding.UTF8.GetString(e.Payload.Span)));
        Assert.Equal(ids[15..18], (await ring.ReadAfterAsync(0, 3)).Select(e => e.Id));
    }

    [RedisFact]
    public async Task One_hub_at_a_time_delivers_to_a_callsign_and_its_cursor_never_moves_back()
    {
        await using var server = await RedisServer.StartNewAsync();
        await using var a = await Hub(server);
        await using var b = await Hub(server);
        var onA = Channel(a, "lease");
        var onB = Channel(b, "lease");
        var lease = TimeSpan.FromSeconds(30);

        Assert.Equal(LeaseResult.Taken, await onA.TakeDeliveryLeaseAsync("bravo", 0, 10, "hub-a", lease));
        Assert.Equal(LeaseResult.Held, await onB.TakeDeliveryLeaseAsync("bravo", 0, 12, "hub-b", lease));
        Assert.Equal(LeaseResult.Taken, await onB.TakeDeliveryLeaseAsync("alpha", 0, 12, "hub-b", lease)); // another callsign
        Assert.Equal(10, await onA.CommitCursorAsync("bravo", 10, "hub-a"));
        Assert.Equal(LeaseResult.CursorMoved, await onB.TakeDeliveryLeaseAsync("bravo", 0, 12, "hub-b", lease));
        Assert.Equal(LeaseResult.Taken, await onB.TakeDeliveryLeaseAsync("bravo", 10, 12, "hub-b", lease));
        // A commit below the cursor (a stale delivery) leaves it; the lease is not the stale one's to release.
        Assert.Equal(10, await onA.CommitCursorAsync("bravo", 7, "hub-a"));
        Assert.Equal(LeaseResult.Held, await onA.TakeDeliveryLeaseAsync("bravo", 10, 15, "hub-a", lease));
        Assert.False(await onA.AbandonDeliveryAsync("bravo", 12, "hub-a"));
        Assert.True(await onB.AbandonDeliveryAsync("bravo", 12, "hub-b"));
        Assert.Equal(10, await onB.CursorAsync("bravo"));
        Assert.Equal(LeaseResult.Taken, await onA.TakeDeliveryLeaseAsync("bravo", 10, 15, "hub-a", lease));
    }

    [RedisFact]
    public async Task Three_hubs_delivering_to_one_callsign_hand_out_every_message_exactly_once_in_order()
    {
        await using var server = await RedisServer.StartNewAsync();
        var hubs = new List<RedisConnection>();
        for (var i = 0; i < 3; i++) hubs.Add(await Hub(server));
        try
        {
            var channels = hubs.Select(h => Channel(h, "stress", capacity: 5000)).ToArray();
            const int messages = 600;
            var delivered = new ConcurrentQueue<(long From, long[] Ids)>();
            var sending = Task.Run(async () =>
            {
                for (var i = 0; i < messages; i++) await channels[i % 3].AppendAsync(Bytes($"m{i}"), 1000);
            });
            async Task Deliver(int hub)
            {
                var channel = channels[hub];
                var owner = $"hub-{hub}";
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < TimeSpan.FromSeconds(30))
                {
                    var cursor = await channel.CursorAsync("bravo");
                    var pending = await channel.ReadAfterAsync(cursor, 7);
                    if (pending.Length == 0)
                    {
                        if (sending.IsCompleted && (await channel.ReadAfterAsync(await channel.CursorAsync("bravo"), 1)).Length == 0) return;
                        await Task.Delay(1);
                        continue;
                    }
                    var upTo = pending[^1].Id;
                    if (await channel.TakeDeliveryLeaseAsync("bravo", cursor, upTo, owner, TimeSpan.FromSeconds(30)) != LeaseResult.Taken) continue;
                    delivered.Enqueue((cursor, pending.Select(e => e.Id).ToArray()));
                    Assert.Equal(upTo, await channel.CommitCursorAsync("bravo", upTo, owner));
                }
                throw new TimeoutException($"hub {hub} still delivering after 30 s");
            }
            await Task.WhenAll(Enumerable.Range(0, 3).Select(Deliver).Append(sending));

            // Deliveries chain cursor to cursor: each starts where the last one ended, so nothing twice and nothing skipped.
            var ordered = delivered.OrderBy(d => d.From).ToArray();
            var all = ordered.SelectMany(d => d.Ids).ToArray();
            Assert.Equal(messages, all.Length);
            Assert.Equal((await channels[0].ReadAfterAsync(0, messages)).Select(e => e.Id), all);
            for (var i = 1; i < ordered.Length; i++) Assert.Equal(ordered[i - 1].Ids[^1], ordered[i].From);
            Assert.True(delivered.Select(d => d.From).Distinct().Count() == delivered.Count, "two deliveries started from one cursor");
        }
        finally
        {
            foreach (var h in hubs) await h.DisposeAsync();
        }
    }

    [RedisFact]
    public async Task A_write_lease_is_one_hubs_at_a_time_released_only_by_it_and_expires_if_it_dies()
    {
        await using var server = await RedisServer.StartNewAsync();
        var options = new RedisStoreOptions { Configuration = server.Configuration, OperationTimeout = Timeout, WriteLeaseTimeout = TimeSpan.FromMilliseconds(300) };
        await using var a = await RedisConnection.ConnectAsync(options);
        await using var b = await RedisConnection.ConnectAsync(options);
        var onA = Channel(a, "lock");
        var onB = Channel(b, "lock");

        Assert.True(await onA.TryTakeWriteLeaseAsync("a"));
        Assert.False(await onB.TryTakeWriteLeaseAsync("b"));
        Assert.False(await onB.ReleaseWriteLeaseAsync("b"));
        Assert.True(await onA.ReleaseWriteLeaseAsync("a"));
        Assert.True(await onB.TryTakeWriteLeaseAsync("b"));
        // b "dies" holding it: the lease lapses after WriteLeaseTimeout.
        var clock = Stopwatch.StartNew();
        while (!await onA.TryTakeWriteLeaseAsync("a")) await Task.Delay(20);
        Assert.InRange(clock.Elapsed.TotalMilliseconds, 100, 5_000);
    }

    [RedisFact]
    public async Task A_stopped_redis_is_store_unavailable_within_the_timeout_and_the_hub_recovers_without_a_new_connection()
    {
        await using var server = await RedisServer.StartNewAsync();
        await using var a = await Hub(server);
        var ring = Channel(a, "faults");
        var acknowledged = await ring.AppendAsync(Bytes("before"), 1000);

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<HubException>(() => ring.AppendAsync(Bytes("during"), 2000));
        Assert.Equal(HubErrorReason.StoreUnavailable, refused.Reason);
        Assert.Equal("store_unavailable", refused.Code);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Timeout * 4);
        Assert.DoesNotContain(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Message);

        await server.StartAsync();
        clock.Restart();
        RingEntry[]? read = null;
        while (read is null && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            try { read = await ring.ReadAfterAsync(0, 10); }
            catch (HubException e) when (e.Reason == HubErrorReason.StoreUnavailable) { await Task.Delay(50); }
        }
        Assert.NotNull(read);
        // appendfsync always: the message Redis acknowledged before it died is there after the restart.
        Assert.Equal([acknowledged], read.Select(e => e.Id));
        Assert.True(await ring.AppendAsync(Bytes("after"), 3000) > acknowledged);
    }

    [RedisFact]
    public async Task A_hub_does_not_start_on_a_redis_it_cannot_reach()
    {
        await using var server = new RedisServer(); // never started: nothing listens on its port
        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<HubException>(() => Hub(server));
        Assert.Equal(HubErrorReason.StoreUnavailable, refused.Reason);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }
}
