using System.Text.RegularExpressions;
using RogerRat.Core;

namespace RogerRat.Tests.Core;

public class ChannelCreationTests
{
    private static HubError CreateFails(CreateChannelSpec spec)
    {
        using var t = new TestHub();
        return Kit.Fails(() => t.Hub.CreateChannel(spec));
    }

    [Fact]
    public void Defaults_give_an_untrusted_channel_with_the_default_ttl_and_a_32_char_token()
    {
        using var t = new TestHub();
        var created = t.Hub.CreateChannel(new CreateChannelSpec());
        var s = created.Channel.Settings;
        Assert.Matches(new Regex("^[a-z]+-[a-z]+-[0-9a-f]{4}$"), created.Channel.Id);
        Assert.Equal(32, created.JoinToken.Length);
        Assert.Matches(new Regex("^[A-Za-z0-9_-]{32}$"), created.JoinToken);
        Assert.Equal(TimeSpan.FromMinutes(30), s.SessionTtl);
        Assert.Equal(TrustMode.Untrusted, s.TrustMode);
        Assert.Equal(Retention.None, s.Retention);
        Assert.False(s.IsBand);
        Assert.False(s.RequireIdentity);
        Assert.Null(s.OwnerPassword);
        Assert.Null(created.OwnerPassword);
        Assert.Equal(TestHub.StartMs, s.CreatedAt);
        Assert.Same(created.Channel, t.Hub.GetChannel(created.Channel.Id));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(-86401.0)]
    [InlineData(0.0009)] // floor(0.9 ms) = 0
    public void Ttl_not_positive(double seconds) =>
        Kit.AssertError(CreateFails(new CreateChannelSpec { SessionTtlSeconds = seconds }), 400, "invalid", "session_ttl_seconds must be positive");

    [Theory]
    [InlineData(86401.0)]
    [InlineData(86400.001)]
    [InlineData(1e300)]
    public void Ttl_too_large(double seconds) =>
        Kit.AssertError(CreateFails(new CreateChannelSpec { SessionTtlSeconds = seconds }), 400, "invalid", "session_ttl_seconds must be ≤ 86400 (24h)");

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Ttl_not_a_number(double seconds) =>
        Kit.AssertError(CreateFails(new CreateChannelSpec { SessionTtlSeconds = seconds }), 400, "invalid",
            "session_ttl_seconds must be a positive number ≤ 86400 (24h)");

    [Theory]
    [InlineData(1.5, 1500)]
    [InlineData(2.0019, 2001)]
    [InlineData(0.001, 1)]
    [InlineData(86400.0, 86_400_000)]
    [InlineData(86400.0009, 86_400_000)]
    [InlineData(60.0, 60_000)]
    public void Fractional_ttl_is_accepted_and_floored_to_milliseconds(double seconds, long expectedMs)
    {
        using var t = new TestHub();
        var ch = t.NewChannel(new CreateChannelSpec { SessionTtlSeconds = seconds });
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), ch.Settings.SessionTtl);
    }

    [Theory]
    [InlineData("abcde")]
    [InlineData("  abcde  ")]
    [InlineData("a")]
    public void Password_too_short_after_trim(string password) =>
        Kit.AssertError(CreateFails(new CreateChannelSpec { OwnerPassword = password }), 400, "invalid", "owner_password must be at least 6 characters");

    [Fact]
    public void Password_too_long() =>
        Kit.AssertError(CreateFails(new CreateChannelSpec { OwnerPassword = new string('p', 129) }), 400, "invalid",
            "owner_password must be at most 128 characters");

    [Theory]
    [InlineData("abcdef")]
    [InlineData("  abcdef\t")]
    public void Password_of_six_chars_after_trim_is_accepted_and_returned_trimmed(string password)
    {
        using var t = new TestHub();
        var created = t.Hub.CreateChannel(new CreateChannelSpec { OwnerPassword = password });
        Assert.Equal("abcdef", created.OwnerPassword);
        Assert.NotNull(created.Channel.Settings.OwnerPassword);
    }

    [Fact]
    public void Password_of_128_chars_with_surrounding_whitespace_is_accepted()
    {
        using var t = new TestHub();
        var pw = new string('p', 128);
        var created = t.Hub.CreateChannel(new CreateChannelSpec { OwnerPassword = "  " + pw + "  " });
        Assert.Equal(pw, created.OwnerPassword);
    }

    [Theory]
    [InlineData("")]
    [InlineData("      ")]
    [InlineData(" \t ")]
    public void Whitespace_only_password_is_absent(string password)
    {
        using var t = new TestHub();
        var created = t.Hub.CreateChannel(new CreateChannelSpec { OwnerPassword = password });
        Assert.Null(created.OwnerPassword);
        Assert.Null(created.Channel.Settings.OwnerPassword);
        Assert.False(created.Channel.VerifyOwnerPassword(password));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("       ")]
    public void Trusted_without_password_is_refused(string? password) =>
        Kit.AssertError(CreateFails(new CreateChannelSpec { TrustMode = TrustMode.Trusted, OwnerPassword = password }), 400, "invalid",
            "trust_mode='trusted' requires owner_password set (otherwise anyone with the token could command your agent)");

    [Fact]
    public void Trusted_with_password_is_created()
    {
        using var t = new TestHub();
        var ch = t.NewChannel(new CreateChannelSpec { TrustMode = TrustMode.Trusted, OwnerPassword = "hunter22", Retention = Retention.Full });
        Assert.Equal(TrustMode.Trusted, ch.Settings.TrustMode);
        Assert.Equal(Retention.Full, ch.Settings.Retention);
    }

    [Theory]
    [InlineData("none", Retention.None)]
    [InlineData("metadata", Retention.Metadata)]
    [InlineData("prompts", Retention.Prompts)]
    [InlineData("full", Retention.Full)]
    public void ParseRetention_accepts_the_four_modes(string raw, Retention expected)
    {
        Assert.Equal(expected, CreateChannelSpec.ParseRetention(raw));
        Assert.Equal(raw, ChannelSettings.Name(expected));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("FULL")]
    [InlineData(" full")]
    [InlineData("everything")]
    public void ParseRetention_refuses_anything_else(string? raw) =>
        Kit.AssertError(Kit.Fails(() => CreateChannelSpec.ParseRetention(raw)), 400, "invalid",
            "invalid retention; must be one of none|metadata|prompts|full");

    [Theory]
    [InlineData("untrusted", TrustMode.Untrusted)]
    [InlineData("trusted", TrustMode.Trusted)]
    public void ParseTrustMode_accepts_both_modes(string raw, TrustMode expected)
    {
        Assert.Equal(expected, CreateChannelSpec.ParseTrustMode(raw));
        Assert.Equal(raw, ChannelSettings.Name(expected));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Trusted")]
    [InlineData("yes")]
    public void ParseTrustMode_refuses_anything_else(string? raw) =>
        Kit.AssertError(Kit.Fails(() => CreateChannelSpec.ParseTrustMode(raw)), 400, "invalid",
            "invalid trust_mode; must be 'untrusted' or 'trusted'");

    [Fact]
    public void Channel_cap_counts_bands_and_answers_503()
    {
        using var t = new TestHub(o => o.MaxChannels = 5);
        Assert.Equal(3, t.Hub.ChannelCount);
        t.NewChannel();
        t.NewChannel();
        var e = Kit.Fails(() => t.Hub.CreateChannel(new CreateChannelSpec()));
        Kit.AssertError(e, 503, "capacity_exceeded", "this hub holds the most channels it may; try again later");
        Assert.Equal(5, t.Hub.ChannelCount);
        Assert.Equal(2, t.Hub.Stats.ChannelsCreated);
    }

    [Fact]
    public void Channel_ids_are_unique()
    {
        using var t = new TestHub();
        var ids = Enumerable.Range(0, 200).Select(_ => t.NewChannel().Id).ToHashSet();
        Assert.Equal(200, ids.Count);
    }

    [Theory]
    [InlineData("general")]
    [InlineData("help")]
    [InlineData("random")]
    public void Bands_exist_and_accept_any_token(string id)
    {
        using var t = new TestHub();
        Assert.True(t.Hub.TryGetChannel(id, out var band));
        Assert.True(band.Settings.IsBand);
        Assert.Equal(TrustMode.Untrusted, band.Settings.TrustMode);
        Assert.Equal(Retention.None, band.Settings.Retention);
        Assert.Equal(TimeSpan.FromMinutes(30), band.Settings.SessionTtl);
        Assert.True(Hub.IsAuthorized(band, null));
        Assert.True(Hub.IsAuthorized(band, ""));
        Assert.True(Hub.IsAuthorized(band, "public"));
        Assert.True(Hub.IsAuthorized(band, "anything-at-all"));
        Assert.Contains(Hub.BandDescriptions, b => b.Id == id);
    }

    [Fact]
    public void Bands_do_not_count_as_created_channels()
    {
        using var t = new TestHub();
        Assert.Equal(0, t.Hub.Stats.ChannelsCreated);
        t.NewChannel();
        Assert.Equal(1, t.Hub.Stats.ChannelsCreated);
    }

    [Fact]
    public void IsAuthorized_needs_the_exact_token()
    {
        using var t = new TestHub();
        var created = t.Hub.CreateChannel(new CreateChannelSpec());
        var ch = created.Channel;
        Assert.True(Hub.IsAuthorized(ch, created.JoinToken));
        Assert.False(Hub.IsAuthorized(ch, null));
        Assert.False(Hub.IsAuthorized(ch, ""));
        Assert.False(Hub.IsAuthorized(ch, "public"));
        Assert.False(Hub.IsAuthorized(ch, created.JoinToken[..^1]));
        Assert.False(Hub.IsAuthorized(ch, created.JoinToken + "x"));
        Assert.False(Hub.IsAuthorized(ch, created.JoinToken.ToUpperInvariant()));
        Assert.False(Hub.IsAuthorized(ch, t.Hub.CreateChannel(new CreateChannelSpec()).JoinToken));
    }

    [Fact]
    public void Unknown_channel_is_404_with_the_not_found_code()
    {
        // The original sends no code here; every error of ours carries one (additive, PROTOCOL §0).
        using var t = new TestHub();
        Kit.AssertError(Kit.Fails(() => t.Hub.GetChannel("quiet-otter-0000")), 404, "not_found", "channel not found");
        Assert.False(t.Hub.TryGetChannel("quiet-otter-0000", out _));
    }

    [Fact]
    public void Minted_owner_password_is_16_hex_chars()
    {
        using var t = new TestHub();
        Assert.Matches(new Regex("^[0-9a-f]{16}$"), t.Hub.MintOwnerPassword());
    }
    [Fact]
    public void Password_is_checked_before_the_ttl_range()
    {
        var e = CreateFails(new CreateChannelSpec { OwnerPassword = "abc", SessionTtlSeconds = 0 });
        Assert.Equal("owner_password must be at least 6 characters", e.Message);
        e = CreateFails(new CreateChannelSpec { TrustMode = TrustMode.Trusted, SessionTtlSeconds = 90000 });
        Assert.StartsWith("trust_mode='trusted' requires owner_password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_ttl_is_reported_before_password_errors()
    {
        var e = CreateFails(new CreateChannelSpec { OwnerPassword = "abc", SessionTtlSeconds = double.PositiveInfinity });
        Assert.Equal("session_ttl_seconds must be a positive number ≤ 86400 (24h)", e.Message);
    }
}
