using RogerRat.Core;
using RogerRat.Tests.Core;

namespace RogerRat.Tests.Redis;

/// <summary>
/// The delivery stress run (<see cref="DeliveryStressTests"/>) over three hubs sharing one real Redis: senders on B and
/// C, every listen on a hub of its own picking, random disconnects, abandons and commits reported late. Every callsign
/// ends with every eligible message exactly once, in id order, and no listen sat out its timeout with a message pending
/// (a lost cross-hub wake-up). The same delivery lease and cursor hold whichever hub a listen lands on.
/// </summary>
public sealed class SharedDeliveryStressTests
{
    [RedisTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_listener_gets_every_eligible_message_once_in_order_across_three_hubs(bool lateReports)
    {
        await using var hubs = await SharedHubs.StartAsync(3, new HubOptions { RingCapacity = 1 << 16 });
        var channels = await hubs.CreateChannelAsync();
        await DeliveryStressTests.RunAsync(channels, lateReports, minDeliveries: 300);
    }
}
