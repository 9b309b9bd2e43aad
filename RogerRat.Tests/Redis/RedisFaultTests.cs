using System.Diagnostics;
using System.Text.Json;
using RogerRat.Core;
using RogerRat.Redis;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.Redis;

/// <summary>
/// Redis goes away mid-conversation (SIGKILL, as a crash or a pulled cable looks to its clients) and comes back on the
/// same port and data (<c>appendfsync always</c>): meanwhile every request answers 503 <c>store_unavailable</c> within
/// the operation timeout and a parked listen answers empty at once; afterwards the same hubs serve again with no
/// restart, and every send that was acknowledged, before or after, reaches the listener exactly once and in order.
/// </summary>
public sealed class RedisFaultTests
{
    private static readonly TimeSpan s_operationTimeout = TimeSpan.FromSeconds(1);

    [RedisFact]
    public async Task Redis_stopped_mid_run_answers_503_quickly_then_resumes_with_nothing_acknowledged_lost()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var options = new HubOptions { OwnerPasswordIterations = 1 };
        var storeOptions = SharedHubs.StoreOptions(redis);
        storeOptions.OperationTimeout = s_operationTimeout;
        storeOptions.WriteLeaseTimeout = s_operationTimeout;
        await using var storeA = await RedisHubStore.ConnectAsync(storeOptions, options);
        await using var storeB = await RedisHubStore.ConnectAsync(storeOptions, options);
        await using var a = await LiveHub.StartAsync(o => (o.Hub, o.Store) = (options, storeA));
        await using var b = await LiveHub.StartAsync(o => (o.Hub, o.Store) = (options, storeB));
        var (id, token) = await a.CreateChannel();
        var tx = await a.Join(id, token, "tx");
        var rx = await b.Join(id, token, "rx");
        var acknowledged = new List<string>();
        var next = 0;

        async Task<(int Status, string? Code, TimeSpan Took)> Send()
        {
            var text = $"m{next}";
            var started = Stopwatch.StartNew();
            var (status, json) = await a.Send(HttpMethod.Post, $"/api/channels/{id}/send", $$"""{"to":"rx","message":"{{text}}"}""", token, tx,
                new() { ["Idempotency-Key"] = $"k{next}" });
            if (status == 200)
            {
                acknowledged.Add(text);
                next++;
            }
            return (status, Code(json), started.Elapsed);
        }

        for (var i = 0; i < 10; i++) Assert.Equal(200, (await Send()).Status);
        var parked = b.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=60&since={long.MaxValue / 2}", token: token, sid: rx);

        await Task.Delay(300); // the listen parks on B
        await redis.StopAsync();
        var outage = Stopwatch.StartNew();

        // The parked listen cannot be woken by another hub any more: it answers now, empty, and consumed nothing.
        var (parkedStatus, parkedJson) = await parked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(outage.Elapsed < TimeSpan.FromSeconds(5), $"the parked listen answered {outage.Elapsed.TotalSeconds:F1} s after Redis went away");
        Assert.Equal(200, parkedStatus);
        Assert.Equal(0, parkedJson.GetProperty("messages").GetArrayLength());

        for (var i = 0; i < 5; i++)
        {
            var (status, code, took) = await Send();
            Assert.Equal((503, "store_unavailable"), (status, code));
            Assert.True(took < s_operationTimeout + TimeSpan.FromSeconds(1.5), $"a send took {took.TotalMilliseconds:F0} ms to be refused");
        }
        var (listenStatus, listenJson) = await b.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=5", token: token, sid: rx);
        Assert.Equal((503, "store_unavailable"), (listenStatus, Code(listenJson)));

        await redis.StartAsync();
        // The same hubs recover by themselves: the send that failed goes through once the connection is back.
        var deadline = Stopwatch.StartNew();
        while ((await Send()).Status != 200)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "the hubs did not recover after Redis came back");
            await Task.Delay(100);
        }
        for (var i = 0; i < 10; i++) Assert.Equal(200, (await Send()).Status);

        var heard = new List<string>();
        while (true)
        {
            var (status, json) = await b.Send(HttpMethod.Get, $"/api/channels/{id}/listen?timeout=1", token: token, sid: rx);
            Assert.Equal(200, status);
            var messages = json.GetProperty("messages");
            if (messages.GetArrayLength() == 0) break;
            heard.AddRange(messages.EnumerateArray().Select(m => m.GetProperty("text").GetString()!));
        }
        Assert.Equal(acknowledged, heard);
    }

    private static string? Code(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("code", out var c) ? c.GetString() : null;
}
