using System.Text;
using RogerRat.Core;

namespace RogerRat.Tests.Core;

public class IdentityTests
{
    private static string IdentityMessage(string cs) =>
        $"callsign \"{cs}\" on this channel is bound to an identity key; pass the identity_key returned by its first join (body field identity_key or header X-Identity-Key)";

    private static Channel IdentityChannel(TestHub t) => t.NewChannel(new CreateChannelSpec { RequireIdentity = true });

    [Fact]
    public void First_join_returns_an_identity_key_once()
    {
        using var t = new TestHub();
        var ch = IdentityChannel(t);
        Assert.True(ch.Settings.RequireIdentity);
        var first = ch.JoinAs("alpha", "session-alpha-1");
        Assert.False(string.IsNullOrEmpty(first.IdentityKey));
        Assert.True(first.IdentityKey!.Length >= 40, "32 random bytes as base64url");

        var again = ch.JoinAs("alpha", "session-alpha-1", first.IdentityKey);
        Assert.True(again.Idempotent);
        Assert.Null(again.IdentityKey);
    }

    [Fact]
    public void Channel_without_require_identity_returns_no_key()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Assert.Null(ch.JoinAs("alpha").IdentityKey);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-key")]
    public void Later_join_without_the_right_key_is_401(string? key)
    {
        using var t = new TestHub();
        var ch = IdentityChannel(t);
        var first = ch.JoinAs("alpha");
        // Adoption (no session id) and a rival session id both need the key.
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("alpha", null, key)), 401, "identity_required", IdentityMessage("alpha"));
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("ALPHA", "another-session", key)), 401, "identity_required", IdentityMessage("alpha"));
        // The same session too: the key is the credential, not the session id.
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("alpha", first.SessionId, key)), 401, "identity_required", IdentityMessage("alpha"));
    }

    [Fact]
    public void Join_with_the_key_adopts_the_live_session()
    {
        using var t = new TestHub();
        var ch = IdentityChannel(t);
        var first = ch.JoinAs("alpha");
        var second = ch.JoinAs("alpha", null, first.IdentityKey);
        Assert.Equal(first.SessionId, second.SessionId);
        Assert.True(second.Idempotent);
        Assert.Null(second.IdentityKey);
    }

    [Fact]
    public void Join_with_only_the_key_resolves_the_callsign()
    {
        using var t = new TestHub();
        var ch = IdentityChannel(t);
        var alpha = ch.JoinAs("alpha");
        var bravo = ch.JoinAs("bravo");
        var r = ch.JoinAs(null, null, bravo.IdentityKey);
        Assert.Equal("bravo", r.Callsign);
        Assert.Equal(bravo.SessionId, r.SessionId);
        var r2 = ch.JoinAs("  ", null, alpha.IdentityKey);
        Assert.Equal("alpha", r2.Callsign);
    }

    [Fact]
    public void Key_survives_leave_and_is_needed_to_come_back()
    {
        using var t = new TestHub();
        var ch = IdentityChannel(t);
        var first = ch.JoinAs("alpha");
        ch.Leave(first.SessionId);
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("alpha")), 401, "identity_required", IdentityMessage("alpha"));
        var back = ch.JoinAs("alpha", null, first.IdentityKey);
        Assert.False(back.Idempotent);
        Assert.Null(back.IdentityKey); // not re-minted
        Assert.NotEqual(first.SessionId, back.SessionId);
        var byKey = ch.JoinAs(null, null, first.IdentityKey);
        Assert.Equal(back.SessionId, byKey.SessionId);
    }

    [Fact]
    public void Unknown_key_without_callsign_is_401()
    {
        using var t = new TestHub();
        var ch = IdentityChannel(t);
        ch.JoinAs("alpha");
        Kit.AssertError(Kit.Fails(() => ch.JoinAs(null, null, "no-such-key")), 401, "identity_required",
            "identity_key does not match any callsign on this channel");
    }

    [Fact]
    public void No_callsign_and_no_key_is_callsign_required()
    {
        using var t = new TestHub();
        var ch = IdentityChannel(t);
        Kit.AssertError(Kit.Fails(() => ch.JoinAs(null)), 400, "invalid", "callsign required");
    }

    [Fact]
    public void Keys_are_bound_per_callsign()
    {
        using var t = new TestHub();
        var ch = IdentityChannel(t);
        var alpha = ch.JoinAs("alpha");
        var bravo = ch.JoinAs("bravo");
        Assert.NotEqual(alpha.IdentityKey, bravo.IdentityKey);
        Kit.AssertError(Kit.Fails(() => ch.JoinAs("alpha", null, bravo.IdentityKey)), 401, "identity_required", IdentityMessage("alpha"));
    }

    [Fact]
    public void Key_only_join_on_a_channel_without_identity_is_callsign_required()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Kit.AssertError(Kit.Fails(() => ch.JoinAs(null, null, "some-key")), 400, "invalid", "callsign required");
    }

    [Fact]
    public void Owner_password_verifies_right_wrong_and_null()
    {
        using var t = new TestHub();
        var ch = t.NewChannel(new CreateChannelSpec { OwnerPassword = "  s3cret-pw  " });
        Assert.True(ch.VerifyOwnerPassword("s3cret-pw"));
        Assert.False(ch.VerifyOwnerPassword("s3cret-pW"));
        Assert.False(ch.VerifyOwnerPassword("s3cret-p"));
        Assert.False(ch.VerifyOwnerPassword(""));
        Assert.False(ch.VerifyOwnerPassword(null));
    }

    [Fact]
    public void Channel_without_password_verifies_nothing()
    {
        using var t = new TestHub();
        var ch = t.NewChannel();
        Assert.False(ch.VerifyOwnerPassword("anything"));
        Assert.False(ch.VerifyOwnerPassword(""));
        Assert.False(ch.VerifyOwnerPassword(null));
    }

    [Fact]
    public void Stored_password_is_a_salted_hash_not_the_plaintext()
    {
        using var t = new TestHub();
        const string pw = "correct-horse";
        var a = t.NewChannel(new CreateChannelSpec { OwnerPassword = pw });
        var b = t.NewChannel(new CreateChannelSpec { OwnerPassword = pw });
        var stored = a.Settings.OwnerPassword!;
        Assert.Equal(1000, stored.Iterations);
        Assert.Equal(32, stored.Hash.Length);
        Assert.Equal(16, stored.Salt.Length);
        var plain = Encoding.UTF8.GetBytes(pw);
        Assert.NotEqual(plain, stored.Hash);
        Assert.DoesNotContain(pw, Encoding.UTF8.GetString(stored.Hash), StringComparison.Ordinal);
        Assert.NotEqual(System.Security.Cryptography.SHA256.HashData(plain), stored.Hash);
        // Salted: the same password hashes differently on two channels.
        Assert.NotEqual(stored.Salt, b.Settings.OwnerPassword!.Salt);
        Assert.NotEqual(stored.Hash, b.Settings.OwnerPassword!.Hash);
    }

    [Fact]
    public void Token_is_stored_as_sha256_not_plaintext()
    {
        using var t = new TestHub();
        var created = t.Hub.CreateChannel(new CreateChannelSpec());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(created.JoinToken)), created.Channel.Settings.TokenHash);
    }
}
