using BenchmarkDotNet.Attributes;
using RogerRat.Core;

namespace RogerRat.Bench.Core;

/// <summary>One broadcast send with nobody parked, through the synchronous face method: the engine's own cost per send
/// (the stored message, the result) with no wake-up and no delivery.</summary>
[MemoryDiagnoser]
public class SendBenchmarks
{
    private Hub _hub = null!;
    private Channel _channel = null!;
    private string _sender = "";
    private PreparedSend _send = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hub = new Hub(new HubOptions { OwnerPasswordIterations = 1 }, runGarbageCollector: false);
        _channel = _hub.CreateChannel(new CreateChannelSpec()).Channel;
        _sender = _channel.Join(new JoinRequest { Callsign = "sender" }).SessionId;
        _channel.Join(new JoinRequest { Callsign = "listener" });
        _send = _channel.Prepare(new SendRequest { Text = "hi" });
    }

    [GlobalCleanup]
    public void Cleanup() => _hub.Dispose();

    private SendResult? _kept;

    [Benchmark]
    public long Send() => _channel.Send(_sender, _send).Message.Id;

    /// <summary>As a face uses it: the result outlives the call (the JIT may not keep it on the stack).</summary>
    [Benchmark]
    public SendResult Send_result_kept() => _kept = _channel.Send(_sender, _send);
}
