using RogerRat.Core;

namespace RogerRat.Tests.Core;

public class CallsignTests
{
    private const string Malformed = "callsign must be 1-32 chars, lowercase letters, digits, '_' or '-', starting with a letter or digit";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Empty_or_whitespace_is_required_error(string? raw) =>
        Kit.AssertError(Kit.Fails(() => Callsigns.Normalize(raw)), 400, "invalid", "callsign required");

    [Theory]
    [InlineData("_alpha")]
    [InlineData("-alpha")]
    [InlineData("al pha")]
    [InlineData("alpha!")]
    [InlineData("alpha.beta")]
    [InlineData("álpha")]
    [InlineData("alpha#1")]
    [InlineData("#1")]
    public void Malformed_callsigns_are_refused(string raw) =>
        Kit.AssertError(Kit.Fails(() => Callsigns.Normalize(raw)), 400, "invalid", Malformed);

    [Fact]
    public void Thirty_three_chars_is_malformed() =>
        Kit.AssertError(Kit.Fails(() => Callsigns.Normalize(new string('a', 33))), 400, "invalid", Malformed);

    [Fact]
    public void Thirty_two_chars_is_accepted() =>
        Assert.Equal(new string('a', 32), Callsigns.Normalize(new string('a', 32)));

    [Fact]
    public void Length_is_counted_after_trimming() =>
        Assert.Equal(new string('b', 32), Callsigns.Normalize("  " + new string('B', 32) + "  "));

    [Theory]
    [InlineData("all")]
    [InlineData("ALL ")]
    [InlineData(" All")]
    public void All_is_reserved(string raw) =>
        Kit.AssertError(Kit.Fails(() => Callsigns.Normalize(raw)), 400, "invalid", "callsign \"all\" is reserved for broadcast");

    [Theory]
    [InlineData("  Alpha ", "alpha")]
    [InlineData("BRAVO-2", "bravo-2")]
    [InlineData("9lives_x", "9lives_x")]
    [InlineData("a", "a")]
    [InlineData("0", "0")]
    [InlineData("allx", "allx")]
    public void Normalises_by_trimming_and_lower_casing(string raw, string expected) =>
        Assert.Equal(expected, Callsigns.Normalize(raw));

    [Fact]
    public void Join_reports_the_normalised_callsign()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        var r = ch.JoinAs("  ALPHA ");
        Assert.Equal("alpha", r.Callsign);
        Assert.Equal(["alpha"], ch.Roster());
    }

    [Fact]
    public void Join_with_a_bad_callsign_fails_with_the_catalogue_error()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("")), 400, "invalid", "callsign required");
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("_x")), 400, "invalid", Malformed);
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("ALL ")), 400, "invalid", "callsign \"all\" is reserved for broadcast");
        Assert.Empty(ch.Roster());
    }
}
