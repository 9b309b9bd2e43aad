using Microsoft.Extensions.Time.Testing;
using RogerRat.Core;
using RogerRat.Core.Service;

namespace RogerRat.Tests.Service;

/// <summary>The face-neutral service layer without sockets, on a fake clock: delivery commit/abandon, clamping of
/// history counts and timeouts, and the join limit taken before the owner-password check.</summary>
public sealed class HubServiceTests : IDisposable
{
    private const string Password = "s3cret-pass";
    private const string Client = "203.0.113.7";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
    private Hub? _hub;

    public void Dispose() => _hub?.Dispose();

    private HubService Service(Action<HubServiceOptions>? configure = null)
    {
        var options = new HubServiceOptions();
        configure?.Invoke(options);
        _hub = new Hub(new HubOptions { OwnerPasswordIterations = 10 }, _time, runGarbageCollector: false);
        return new HubService(_hub, options);
    }

    private static Channel NewChannel(HubService service, string? ownerPassword = null) => service.Hub.CreateChannel(new CreateChannelSpec
    {
        OwnerPassword = ownerPassword,
        TrustMode = ownerPassword is null ? TrustMode.Untrusted : TrustMode.Trusted,
    }).Channel;

    private static string Join(HubService service, Channel channel, string callsign, string client = Client, string? password = null) =>
        service.JoinAsync(channel, new JoinCommand(callsign, null, password, null), client).AsTask().GetAwaiter().GetResult().Result.SessionId;

    private static HubError Refusal(Action action) => Assert.Throws<HubException>(action).Error;

    private static ValueTask<Listened> Listen(HubService service, Channel channel, string sid, string? timeout, bool wait = false) =>
        service.ListenAsync(channel, sid, new ListenCommand(wait, timeout, null), CancellationToken.None);

    private static void Say(HubService service, Channel channel, string sid, string to, string text) =>
        service.SendAsync(channel, sid, new SendCommand(new SendRequest { To = to, Text = text }, null), Client).AsTask().GetAwaiter().GetResult();

    /// <summary>Awaits a parked listen after the fake clock moved; the real-time bound only guards against a hang.</summary>
    private static Task<Listened> Finished(ValueTask<Listened> listen) => listen.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task HubService_a_listen_completed_unwritten_redelivers_its_messages_and_a_written_one_does_not()
    {
        var service = Service();
        var channel = NewChannel(service);
        var alpha = Join(service, channel, "alpha");
        var bravo = Join(service, channel, "bravo");
        Say(service, channel, alpha, "bravo", "m1");
        Say(service, channel, alpha, "bravo", "m2");

        var first = await Listen(service, channel, bravo, "5");
        Assert.True(first.NeedsCommit);
        var ids = first.Delivery.Messages.Select(m => m.Id).ToArray();
        Assert.Equal(["m1", "m2"], first.Delivery.Messages.Select(m => m.Text));
        await first.CompleteAsync(written: false);

        var second = await Listen(service, channel, bravo, "5");
        Assert.Equal(ids, second.Delivery.Messages.Select(m => m.Id));
        await second.CompleteAsync(written: true);

        var third = Listen(service, channel, bravo, "1");
        _time.Advance(TimeSpan.FromSeconds(1));
        var empty = await Finished(third);
        Assert.Empty(empty.Delivery.Messages);
        Assert.Equal(ids[^1], empty.Delivery.Cursor);
    }

    [Fact]
    public void HubService_history_n_is_floored_and_clamped_to_the_options()
    {
        var service = Service(o => { o.HistoryMax = 3; o.HistoryDefault = 2; });
        var channel = NewChannel(service);
        var alpha = Join(service, channel, "alpha");
        for (var i = 1; i <= 5; i++) Say(service, channel, alpha, "all", $"m{i}");

        string[] Texts(string? n) => [.. service.History(channel, n).Select(m => m.Text)];
        Assert.Equal(["m3", "m4", "m5"], Texts("50"));
        Assert.Equal(["m3", "m4", "m5"], Texts("1e9"));
        Assert.Equal(["m4", "m5"], Texts(null));
        Assert.Equal(["m4", "m5"], Texts("2.9"));
        Assert.Equal(["m5"], Texts("0"));
        Assert.Equal(["m5"], Texts("-7"));
        Assert.Equal(HubErrorReason.Invalid, Refusal(() => service.History(channel, "abc")).Reason);
        Assert.Equal(HubErrorReason.Invalid, Refusal(() => service.History(channel, "NaN")).Reason);
    }

    [Theory]
    [InlineData(false, "999", 5)]
    [InlineData(false, "0", 1)]
    [InlineData(false, "0.25", 1)]
    [InlineData(false, "-10", 1)]
    [InlineData(false, "3", 3)]
    [InlineData(true, "999", 7)]
    [InlineData(true, "0", 1)]
    public async Task HubService_listen_and_wait_timeouts_are_clamped_and_the_clamp_is_what_the_listen_waits(bool wait, string timeout, double expected)
    {
        var service = Service(o => { o.ListenMaxSeconds = 5; o.WaitMaxSeconds = 7; });
        var channel = NewChannel(service);
        var alpha = Join(service, channel, "alpha");

        var parked = Listen(service, channel, alpha, timeout, wait);
        _time.Advance(TimeSpan.FromSeconds(expected) - TimeSpan.FromMilliseconds(10));
        Assert.False(parked.IsCompleted, $"the listen answered before its {expected} s");
        _time.Advance(TimeSpan.FromMilliseconds(20));
        var listened = await Finished(parked);
        Assert.Equal(expected, listened.Seconds);
        Assert.Empty(listened.Delivery.Messages);
        Assert.Equal(wait, listened.Roster is not null);
    }

    [Fact]
    public async Task HubService_an_absent_timeout_never_waits_longer_than_the_longest_listen()
    {
        // History clamps its default to HistoryMax; a listen's default should be bounded by ListenMaxSeconds alike.
        var service = Service(o => { o.ListenDefaultSeconds = 30; o.ListenMaxSeconds = 5; });
        var channel = NewChannel(service);
        var alpha = Join(service, channel, "alpha");
        var parked = Listen(service, channel, alpha, timeout: null).AsTask();
        _time.Advance(TimeSpan.FromSeconds(5.01));
        // The timeout completes the listen with an asynchronous continuation: give it real time to run.
        var answeredInTime = await Task.WhenAny(parked, Task.Delay(TimeSpan.FromSeconds(5))) == parked;
        _time.Advance(TimeSpan.FromSeconds(30)); // lets an unclamped listen finish, so the failure reports what it waited
        var listened = await parked.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(answeredInTime, $"a listen without timeout was still parked after 5 s (it waits {listened.Seconds} s)");
        Assert.True(listened.Seconds <= 5, $"an absent timeout waited {listened.Seconds} s, past ListenMaxSeconds 5");
    }

    [Fact]
    public async Task HubService_timeouts_and_cursors_that_are_no_numbers_are_refused_before_listening()
    {
        var service = Service();
        var channel = NewChannel(service);
        var alpha = Join(service, channel, "alpha");
        foreach (var (timeout, since) in new[] { ("abc", null), ("1%00", null), ("Infinity", null), ("1", "1.5"), ("1", "1e3"), ("1", "99999999999999999999999") })
        {
            var error = (await Assert.ThrowsAsync<HubException>(() => service.ListenAsync(channel, alpha, new ListenCommand(false, timeout, since), default).AsTask())).Error;
            Assert.Equal(HubErrorReason.Invalid, error.Reason);
        }
        Assert.Equal(9007199254740993L, QueryValues.Since("9007199254740993"));
        Assert.Equal(long.MaxValue, QueryValues.Since(long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(0L, QueryValues.Since("-3"));
        Assert.Equal(0L, QueryValues.Since(""));
        Assert.Null(QueryValues.Since(null));
    }

    [Fact]
    public async Task HubService_the_join_limit_applies_before_the_owner_password_check()
    {
        var service = Service(o => o.RateLimits = new RateLimits(0, 0, 0, 2));
        var channel = NewChannel(service, Password);

        for (var i = 0; i < 2; i++)
        {
            Assert.Same(HubErrors.OwnerPasswordMismatch, Refusal(() => Join(service, channel, $"g{i}", password: "wrong-" + i)));
        }
        // Past the limit a wrong password is no longer checked (no PBKDF2 work, no oracle): rate limited, not a mismatch.
        var limited = Refusal(() => Join(service, channel, "g2", password: "wrong-2"));
        Assert.Equal(HubErrorReason.RateLimited, limited.Reason);
        Assert.True(limited.Rate is { Allowed: false, RetryAfterSeconds: > 0 and <= 60 }, $"rate: {limited.Rate}");
        Assert.Equal(HubErrorReason.RateLimited, Refusal(() => Join(service, channel, "g3", password: Password)).Reason);
        // A malformed join is limited too: the limit comes before every other check.
        Assert.Equal(HubErrorReason.RateLimited, Refusal(() => Join(service, channel, "")).Reason);
        Assert.Empty(channel.Roster());

        // The limit is per client, and it slides: another address is checked, and a minute later so is this one.
        Assert.Same(HubErrors.OwnerPasswordMismatch, Refusal(() => Join(service, channel, "other", client: "203.0.113.8", password: "wrong")));
        _time.Advance(TimeSpan.FromSeconds(61));
        var joined = await service.JoinAsync(channel, new JoinCommand("alpha", null, Password, null), Client);
        Assert.True(joined.HumanAuthorized);
        Assert.Equal("trusted-authorized", joined.Posture);
        Assert.Equal(1, joined.Rate?.Remaining);
    }

    [Fact]
    public async Task HubService_without_a_join_limit_every_wrong_password_is_checked()
    {
        var service = Service();
        var channel = NewChannel(service, Password);
        for (var i = 0; i < 20; i++)
        {
            Assert.Same(HubErrors.OwnerPasswordMismatch, Refusal(() => Join(service, channel, $"g{i}", password: "wrong")));
        }
        Assert.False((await service.JoinAsync(channel, new JoinCommand("alpha", null, null, null), Client)).HumanAuthorized);
    }
}
