using System.Security.Cryptography;
using System.Text;

namespace RogerRat.Core;

/// <summary>
/// Secrets (PROTOCOL §2.2): high-entropy tokens are stored as SHA-256, owner passwords as salted PBKDF2-SHA256, and
/// every comparison is constant-time.
/// </summary>
internal static class Secrets
{
    /// <summary>24 random bytes as base64url without padding (32 chars), like the original's channel token.</summary>
    public static string NewToken(RandomSource random, int bytes = 24)
    {
        Span<byte> b = stackalloc byte[bytes];
        random.Fill(b);
        return Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Constant-time: hashes the candidate and compares digests of equal length.</summary>
    public static bool TokenMatches(ReadOnlySpan<byte> storedHash, string? candidate)
    {
        Span<byte> digest = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes(candidate ?? "");
        SHA256.HashData(bytes, digest);
        var equal = CryptographicOperations.FixedTimeEquals(storedHash, digest);
        return equal && candidate is not null;
    }

    /// <summary>Constant-time comparison of two plain secrets (static and admin tokens), via their digests.</summary>
    public static bool PlainMatches(string expected, string? candidate) => TokenMatches(HashToken(expected), candidate);

    public static PasswordHash HashPassword(string password, int iterations, RandomSource random)
    {
        var salt = new byte[16];
        random.Fill(salt);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return new PasswordHash(salt, hash, iterations);
    }

    public static bool PasswordMatches(PasswordHash stored, string? candidate)
    {
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(candidate ?? ""), stored.Salt, stored.Iterations,
            HashAlgorithmName.SHA256, stored.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(actual, stored.Hash) && candidate is not null;
    }
}

/// <summary>A salted PBKDF2-SHA256 password digest.</summary>
/// <param name="Salt">The random salt.</param>
/// <param name="Hash">The derived key.</param>
/// <param name="Iterations">The PBKDF2 iteration count it was derived with.</param>
public sealed record PasswordHash(byte[] Salt, byte[] Hash, int Iterations);
