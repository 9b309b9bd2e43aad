using System.Buffers;
using System.Text;

namespace RogerRat.Bench.Http;

/// <summary>
/// The baseline the real parser must beat: the obvious parser (decode to a string, split lines, split headers into a
/// dictionary), as a first attempt would write it.
/// </summary>
internal static class NaiveHttpParser
{
    public static (string Method, string Target, Dictionary<string, string> Headers)? Parse(ReadOnlySequence<byte> buffer)
    {
        var text = Encoding.ASCII.GetString(buffer.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return null;
        var lines = text[..end].Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        return (parts[0], parts[1], headers);
    }
}
