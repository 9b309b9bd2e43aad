using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Tests.Core;
using RogerRat.Tests.Generators;

namespace RogerRat.Tests.Redis;

/// <summary>
/// The model-based property (DESIGN guarantees 1–5) with every conversation spread over three hubs sharing one real
/// Redis: joins, renames and leaves on A, sends on B, listens and parks on C, the collector on each in turn. After every
/// step all three hubs answer the roster and the stored messages as the reference model does, and every listen's
/// deliveries, cursors, gaps and 400/410 answers agree with it — the same runner and model as the single-hub property.
/// A second property sends every step to the next hub in turn (a listen parked on one hub superseded from another).
/// </summary>
public sealed class SharedChannelModelProperties(ThreeHubsOnFakeTime fixture) : IClassFixture<ThreeHubsOnFakeTime>
{
    private const int RingCapacity = ThreeHubsOnFakeTime.RingCapacity;
    private const int TtlSeconds = 60;
    private readonly FakeTimeProvider _time = fixture.Time;

    [RedisProperty(Arbitrary = [typeof(ChannelOpGens)], MaxTest = 150, EndSize = 120)]
    public void Three_hubs_agree_with_the_model(ChannelScript script)
    {
        var channels = fixture.Hubs!.CreateChannelAsync(new CreateChannelSpec { SessionTtlSeconds = TtlSeconds }).GetAwaiter().GetResult();
        new ChannelModelRunner(channels, _time, RingCapacity, TtlSeconds).Run(script);
    }

    // Every step on the next hub: one session joins on A, listens on B, commits there, sends on C, parks on A...
    [RedisProperty(Arbitrary = [typeof(ChannelOpGens)], MaxTest = 150, EndSize = 120)]
    public void Three_hubs_taking_turns_agree_with_the_model(ChannelScript script)
    {
        var channels = fixture.Hubs!.CreateChannelAsync(new CreateChannelSpec { SessionTtlSeconds = TtlSeconds }).GetAwaiter().GetResult();
        new ChannelModelRunner(channels, _time, RingCapacity, TtlSeconds) { Rotate = true }.Run(script);
    }
}

/// <summary>Three hubs on one Redis and one fake clock, for the whole class (xunit disposes a class fixture; the
/// property runner does not dispose the test class itself).</summary>
public sealed class ThreeHubsOnFakeTime : IAsyncLifetime
{
    public const int RingCapacity = 4;

    public FakeTimeProvider Time { get; } = SharedHubs.NewFakeTime();

    internal SharedHubs? Hubs { get; private set; }

    public async Task InitializeAsync()
    {
        if (RedisServer.Binary is not null) Hubs = await SharedHubs.StartAsync(3, ChannelModelRunner.Options(RingCapacity), Time);
    }

    public async Task DisposeAsync()
    {
        if (Hubs is not null) await Hubs.DisposeAsync();
    }
}

/// <summary>A property that needs a real redis-server (see <see cref="RedisFactAttribute"/>).</summary>
public sealed class RedisPropertyAttribute : PropertyAttribute
{
    public RedisPropertyAttribute()
    {
        if (RedisServer.Binary is null && Environment.GetEnvironmentVariable("ROGERRAT_REQUIRE_REDIS") != "1")
            Skip = "redis-server is not installed (apt-get install redis-server); CI runs these with ROGERRAT_REQUIRE_REDIS=1";
    }
}
