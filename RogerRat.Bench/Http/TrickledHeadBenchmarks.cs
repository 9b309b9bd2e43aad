using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using RogerRat.Http.Server;

namespace RogerRat.Bench.Http;

/// <summary>
/// A 28 KB head that arrives one byte per read (90 headers of 300 bytes, or one header of 28 KB): the connection calls
/// the parser with every growing prefix on its one reused head. Baseline: the same head parsed once, whole. The ratio is what a trickling
/// client costs in whole-head parses; the parser remembers the lines it has checked, so it grows with the head's
/// length, not its square.
/// </summary>
[MemoryDiagnoser]
public class TrickledHeadBenchmarks
{
    private readonly HttpServerLimits _limits = new();
    private readonly HttpRequestHead _head = new();
    private byte[] _bytes = [];

    [Params("90 short lines", "one long line")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var fields = Shape == "one long line"
            ? $"X-Long: {new string('v', 27_700)}\r\n"
            : string.Concat(Enumerable.Range(0, 90).Select(i => $"X-H{i}: {new string('v', 300)}\r\n"));
        _bytes = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: t\r\n" + fields + "\r\n");
        Whole_head_once();
    }

    [Benchmark(Baseline = true)]
    public bool Whole_head_once() => HttpParser.TryParseHead(new ReadOnlySequence<byte>(_bytes), _limits, _head, out _);

    [Benchmark]
    public int One_byte_per_read()
    {
        for (var n = 1; n <= _bytes.Length; n++)
        {
            if (HttpParser.TryParseHead(new ReadOnlySequence<byte>(_bytes, 0, n), _limits, _head, out _)) return n;
        }
        return -1;
    }
}
