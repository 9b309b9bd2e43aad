using System.Security.Cryptography;
using System.Text;

namespace RogerRat.Http.Webhooks;

/// <summary>The signature a receiver checks (PROTOCOL §4): <c>sha256=</c> and the lowercase hex HMAC-SHA256, keyed
/// by the webhook's secret, of <c>"&lt;timestamp&gt;.&lt;raw body&gt;"</c>.</summary>
internal static class WebhookSigner
{
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed, mac);
        return "sha256=" + Convert.ToHexStringLower(mac);
    }
}
