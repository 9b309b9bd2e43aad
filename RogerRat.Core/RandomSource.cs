using System.Security.Cryptography;

namespace RogerRat.Core;

/// <summary>Where the engine's randomness comes from (ids, tokens, salts); tests inject a seeded one.</summary>
public abstract class RandomSource
{
    /// <summary>The cryptographically secure default.</summary>
    public static RandomSource Secure { get; } = new SecureRandomSource();

    /// <summary>Fills <paramref name="destination"/> with random bytes.</summary>
    public abstract void Fill(Span<byte> destination);

    /// <summary>A version-4 UUID string built from this source.</summary>
    public string NewUuid()
    {
        Span<byte> b = stackalloc byte[16];
        Fill(b);
        b[7] = (byte)((b[7] & 0x0F) | 0x40); // Guid's byte order puts the version nibble in byte 7
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b).ToString();
    }

    /// <summary>A uniform integer in [0, maxExclusive).</summary>
    public int NextInt(int maxExclusive)
    {
        Span<byte> b = stackalloc byte[4];
        // Rejection sampling keeps the draw uniform for any bound.
        var limit = uint.MaxValue - (uint.MaxValue % (uint)maxExclusive);
        while (true)
        {
            Fill(b);
            var v = BitConverter.ToUInt32(b);
            if (v < limit) return (int)(v % (uint)maxExclusive);
        }
    }

    private sealed class SecureRandomSource : RandomSource
    {
        public override void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);
    }
}
