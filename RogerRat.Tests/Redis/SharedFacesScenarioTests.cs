using RogerRat.Core;
using RogerRat.Redis;
using RogerRat.Tests.Integration;
using RogerRat.Tests.Mcp;
using Xunit.Abstractions;

namespace RogerRat.Tests.Redis;

/// <summary>Three live hubs (REST and MCP each) sharing one real Redis, for the whole table; every run gets its own channel.</summary>
public sealed class ThreeSharedHubs : IAsyncLifetime
{
    internal RedisServer? Server { get; private set; }
    internal LiveHub[] Hubs { get; private set; } = [];
    private RedisHubStore[] _stores = [];

    public async Task InitializeAsync()
    {
        if (RedisServer.Binary is null) return;
        Server = await RedisServer.StartNewAsync();
        var options = new HubOptions { OwnerPasswordIterations = 10 };
        _stores = new RedisHubStore[3];
        Hubs = new LiveHub[3];
        for (var i = 0; i < 3; i++)
        {
            var store = _stores[i] = await RedisHubStore.ConnectAsync(SharedHubs.StoreOptions(Server), options);
            Hubs[i] = await LiveHub.StartAsync(o =>
            {
                o.Hub = options;
                o.Store = store;
            });
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var hub in Hubs) await hub.DisposeAsync();
        foreach (var store in _stores) await store.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
    }
}

/// <summary>
/// The two-faces scenario table (<see cref="TwoFacesScenarioTests"/>) with each conversation spread over three hubs
/// that share one Redis: a REST agent joins and leaves through A, sends through B and listens through C (roster and
/// history through A); an MCP agent keeps its session on one hub, as a load balancer's session affinity keeps it, with
/// alpha on A, bravo on B and charlie on C. Every step must give the outcome the table states for one hub.
/// </summary>
public sealed class SharedFacesScenarioTests(ThreeSharedHubs fixture, ITestOutputHelper output) : IClassFixture<ThreeSharedHubs>
{
    public static TheoryData<string, string, string> Cases() => TwoFacesScenarioTests.Cases();

    private LiveHub RouteOf(string route) => route switch
    {
        "join" or "leave" or "keepalive" => fixture.Hubs[0],
        "send" => fixture.Hubs[1],
        "listen" or "wait" or "stream" => fixture.Hubs[2],
        _ => fixture.Hubs[0],
    };

    private async Task<IAgentFace> Face(string kind, int agent, string id, string token) => kind switch
    {
        "REST" => new RestFace(fixture.Hubs[0], id, token) { Route = RouteOf },
        "MCP" => await McpFace.Connect(fixture.Hubs[agent], id, token),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [RedisTheory]
    [MemberData(nameof(Cases))]
    public async Task Same_outcomes_with_each_conversation_over_three_hubs(string scenario, string faceA, string faceB)
    {
        var (id, token) = await fixture.Hubs[0].CreateChannel();
        await using var alpha = await Face(faceA, 0, id, token);
        await using var bravo = await Face(faceB, 1, id, token);
        await using var charlie = await Face(faceA, 2, id, token);
        var played = await TwoFacesScenarioTests.PlayAsync(scenario, new TwoFacesScenarioTests.Run(alpha, bravo, charlie),
            detail => output.WriteLine($"[{faceA}/{faceB}] {detail}"));
        var actual = TwoFacesScenarioTests.TranscriptOf(played);
        output.WriteLine(actual);
        Assert.Equal(TwoFacesScenarioTests.ExpectedTranscript(scenario), actual);
    }
}

/// <summary>A theory that needs a real redis-server (see <see cref="RedisFactAttribute"/>).</summary>
public sealed class RedisTheoryAttribute : TheoryAttribute
{
    public RedisTheoryAttribute()
    {
        if (RedisServer.Binary is null && Environment.GetEnvironmentVariable("ROGERRAT_REQUIRE_REDIS") != "1")
            Skip = "redis-server is not installed (apt-get install redis-server); CI runs these with ROGERRAT_REQUIRE_REDIS=1";
    }
}
