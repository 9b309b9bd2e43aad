using System.Text;

namespace RogerRat.Http.Server;

/// <summary>
/// Response headers encoded once as <c>Name: value\r\n</c> lines, for a fixed set an application sends on every
/// response (the hub's security headers): writing them is one copy instead of encoding and checking each value per
/// response. Validated here, once, by the same rule <see cref="HttpResponse.AddHeader"/> applies per call.
/// </summary>
internal sealed class HttpHeaderBlock
{
    private HttpHeaderBlock(byte[] bytes) => Bytes = bytes;

    internal byte[] Bytes { get; }

    public static HttpHeaderBlock Encode(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException("Connection is the server's to set", nameof(headers));
            if (name.AsSpan().ContainsAny(":\r\n") || value.AsSpan().ContainsAny('\r', '\n'))
            {
                throw new ArgumentException($"header {name} has a character that would split the response", nameof(headers));
            }
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        return new HttpHeaderBlock(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
