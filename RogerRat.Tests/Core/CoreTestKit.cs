using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;

namespace RogerRat.Tests.Core;

/// <summary>A hub on a fake clock with fast password hashing, plus small helpers shared by the engine tests.</summary>
internal sealed class TestHub : IDisposable
{
    /// <summary>2023-11-14T22:13:20Z: a round, recognisable ms-epoch start.</summary>
    public const long StartMs = 1_700_000_000_000;

    public TestHub(Action<HubOptions>? configure = null, bool gc = false)
    {
        Options = new HubOptions { OwnerPasswordIterations = 1000 };
        configure?.Invoke(Options);
        Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(StartMs));
        Hub = new Hub(Options, Time, random: null, runGarbageCollector: gc);
    }

    public HubOptions Options { get; }
    public FakeTimeProvider Time { get; }
    public Hub Hub { get; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public Channel NewChannel(CreateChannelSpec? spec = null) => Hub.CreateChannel(spec ?? new CreateChannelSpec()).Channel;

    /// <summary>Advances the clock in steps no longer than <paramref name="step"/> so a periodic GC timer fires at each due time.</summary>
    public void Advance(TimeSpan total, TimeSpan? step = null)
    {
        var s = step ?? TimeSpan.FromSeconds(5);
        while (total > TimeSpan.Zero)
        {
            var d = total < s ? total : s;
            Time.Advance(d);
            total -= d;
        }
    }

    public void Dispose() => Hub.Dispose();
}

internal static class Kit
{
    public static HubError Fails(Action action) => Assert.Throws<HubException>(action).Error;

    public static HubError Fails<T>(Func<T> action) => Assert.Throws<HubException>(() => { _ = action(); }).Error;

    public static void AssertError(HubError actual, int status, string? code, string message)
    {
        Assert.Equal(status, RogerRat.Http.Api.RestErrors.Status(actual.Reason));
        Assert.Equal(code, actual.Code);
        Assert.Equal(message, actual.Message);
    }

    public static JoinResult JoinAs(this Channel channel, string? callsign, string? sessionId = null, string? identityKey = null) =>
        channel.Join(new JoinRequest { Callsign = callsign, SessionId = sessionId, IdentityKey = identityKey });

    public static SendResult Say(this Channel channel, string sessionId, string text, string? to = null, string? kind = null) =>
        channel.Send(sessionId, new SendRequest { Text = text, To = to, Kind = kind });

    /// <summary>A listen that must return at once (something pending or timeout 0).</summary>
    public static Delivery ListenNow(this Channel channel, string sessionId, long? since = null)
    {
        var pending = channel.ListenAsync(sessionId, TimeSpan.Zero, since);
        Assert.True(pending.IsCompleted, "a listen with timeout 0 completes synchronously");
        return pending.Result;
    }

    /// <summary>Listens at once and commits, returning the delivered texts.</summary>
    public static string[] Drain(this Channel channel, string sessionId)
    {
        var d = channel.ListenNow(sessionId);
        channel.Commit(d);
        return d.Messages.Select(m => m.Text).ToArray();
    }

    public static string Repeat(char c, int n) => new(c, n);
}
