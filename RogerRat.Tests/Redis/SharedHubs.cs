using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Redis;

namespace RogerRat.Tests.Redis;

/// <summary>
/// Several hubs in this process sharing one real redis-server, each through its own connection and
/// <see cref="RedisHubStore"/> (so each is a separate hub to the others: its own id, working copies and subscriptions).
/// </summary>
internal sealed class SharedHubs : IAsyncDisposable
{
    private readonly bool _ownsServer;

    private SharedHubs(RedisServer server, bool ownsServer, RedisHubStore[] stores, Hub[] hubs)
    {
        Server = server;
        _ownsServer = ownsServer;
        Stores = stores;
        Hubs = hubs;
    }

    public RedisServer Server { get; }
    public RedisHubStore[] Stores { get; }
    public Hub[] Hubs { get; }

    public static RedisStoreOptions StoreOptions(RedisServer server) => new()
    {
        Configuration = server.Configuration,
        // CI's 2 cores run these beside other tests, whose blocking waits can starve the thread pool for seconds: these
        // tests check what the hubs answer, so no call may give up on time (fault tests set their own, short, timeouts).
        OperationTimeout = TimeSpan.FromSeconds(15),
        WriteLeaseTimeout = TimeSpan.FromSeconds(15),
        HeartbeatInterval = TimeSpan.FromMilliseconds(500),
    };

    public static async Task<SharedHubs> StartAsync(int count, HubOptions? options = null, TimeProvider? time = null, RedisServer? server = null,
        bool runGarbageCollector = false)
    {
        var owns = server is null;
        server ??= await RedisServer.StartNewAsync();
        options ??= new HubOptions { OwnerPasswordIterations = 1 };
        var stores = new RedisHubStore[count];
        var hubs = new Hub[count];
        for (var i = 0; i < count; i++)
        {
            stores[i] = await RedisHubStore.ConnectAsync(StoreOptions(server), options, engineTime: time);
            hubs[i] = new Hub(stores[i], options, time, runGarbageCollector: runGarbageCollector);
        }
        return new SharedHubs(server, owns, stores, hubs);
    }

    /// <summary>Creates a channel on the first hub and opens it on every hub: element i is hub i's working copy.</summary>
    public async Task<Channel[]> CreateChannelAsync(CreateChannelSpec? spec = null)
    {
        var created = await Hubs[0].CreateChannelAsync(spec ?? new CreateChannelSpec());
        var channels = new Channel[Hubs.Length];
        for (var i = 0; i < Hubs.Length; i++) channels[i] = await Hubs[i].GetChannelAsync(created.Channel.Id);
        return channels;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in Hubs) hub.Dispose();
        foreach (var store in Stores) await store.DisposeAsync();
        if (_ownsServer) await Server.DisposeAsync();
    }

    public static FakeTimeProvider NewFakeTime() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
}
