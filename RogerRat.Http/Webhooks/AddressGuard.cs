using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace RogerRat.Http.Webhooks;

/// <summary>
/// The SSRF guard (PROTOCOL §4): a webhook may reach public unicast addresses only, unless the hub allows private
/// ones. Checked twice: on the URL's host at registration (literals and <c>localhost</c>), and on every address DNS
/// returns when the handler connects (<see cref="ConnectAsync"/>), so a public name that resolves, or later rebinds, to
/// a private address is refused too. IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 forms are judged by the IPv4
/// address they carry.
/// </summary>
internal static class AddressGuard
{
    /// <summary>True for loopback, unspecified, link-local, private, unique-local, CGNAT, multicast and reserved.</summary>
    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return IsForbiddenV4(b);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;
        Span<byte> v6 = stackalloc byte[16];
        address.TryWriteBytes(v6, out _);
        if (address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6Loopback)) return true;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast) return true;
        if ((v6[0] & 0xFE) == 0xFC) return true; // fc00::/7 unique local
        if (!v6[..12].ContainsAnyExcept((byte)0)) return IsForbiddenV4(v6[12..]); // ::a.b.c.d (deprecated IPv4-compatible)
        if (v6[..12].SequenceEqual(s_nat64)) return IsForbiddenV4(v6[12..]); // 64:ff9b::/96
        if (v6[0] == 0x20 && v6[1] == 0x02) return IsForbiddenV4(v6[2..6]); // 2002::/16 6to4
        return false;
    }

    private static ReadOnlySpan<byte> s_nat64 => [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];

    private static bool IsForbiddenV4(ReadOnlySpan<byte> b) =>
        b[0] is 0 or 10 or 127 // this network (0.0.0.0 included), private, loopback
        || b[0] >= 224 // multicast, reserved, broadcast
        || (b[0] == 169 && b[1] == 254) // link-local (cloud metadata)
        || (b[0] == 172 && (b[1] & 0xF0) == 16) // 172.16/12
        || (b[0] == 192 && b[1] == 168) // 192.168/16
        || (b[0] == 100 && (b[1] & 0xC0) == 64); // 100.64/10 CGNAT

    /// <summary>The registration check: an absolute http(s) URL without user info whose host is not a forbidden literal
    /// or a <c>localhost</c> name; null when it passes.</summary>
    public static Core.HubError? CheckUrl(string url, bool allowPrivate, out Uri? uri)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.UserInfo.Length > 0 || uri.IdnHost.Length == 0)
        {
            uri = null;
            return WebhookErrors.UrlMalformed;
        }
        if (allowPrivate) return null;
        var host = uri.IdnHost.TrimEnd('.');
        if (IPAddress.TryParse(host, out var literal)) return IsForbidden(literal) ? WebhookErrors.UrlPrivate : null;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return WebhookErrors.UrlPrivate;
        }
        return null;
    }

    /// <summary>The allowed subset of <paramref name="addresses"/> (all of them when private ones are allowed).</summary>
    public static IPAddress[] Allowed(IPAddress[] addresses, bool allowPrivate)
    {
        if (allowPrivate) return addresses;
        var n = 0;
        var allowed = new IPAddress[addresses.Length];
        foreach (var a in addresses)
        {
            if (!IsForbidden(a)) allowed[n++] = a;
        }
        return allowed[..n];
    }

    /// <summary>The handler's <c>ConnectCallback</c>: resolves the host itself and connects only to allowed addresses.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken cancellationToken)
    {
        var endPoint = context.DnsEndPoint;
        var resolved = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);
        var allowed = Allowed(resolved, allowPrivate);
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"refused: {endPoint.Host} resolves only to non-public addresses (SSRF guard)");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
