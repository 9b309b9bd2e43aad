using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RogerRat.Http.Server;

namespace RogerRat.Bench.Http;

/// <summary>Parsing one request head (request line, headers, framing checks) into the connection's reused head.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ParserBenchmarks
{
    private readonly HttpServerLimits _limits = new();
    private readonly HttpRequestHead _head = new();
    private ReadOnlySequence<byte> _get, _getSplit, _post, _postSplit, _many, _manySplit;

    [GlobalSetup]
    public void Setup()
    {
        (_get, _getSplit) = (ParserData.Single(ParserData.Get), ParserData.ThreeSegments(ParserData.Get));
        (_post, _postSplit) = (ParserData.Single(ParserData.PostJson), ParserData.ThreeSegments(ParserData.PostJson));
        (_many, _manySplit) = (ParserData.Single(ParserData.TwentyHeaders), ParserData.ThreeSegments(ParserData.TwentyHeaders));
        Parse(_get); // grow the head's buffer once, as a connection does on its first request
        Parse(_many);
    }

    private bool Parse(ReadOnlySequence<byte> input) => HttpParser.TryParseHead(input, _limits, _head, out _);

    [BenchmarkCategory("get"), Benchmark(Baseline = true)] public object? Get_naive() => NaiveHttpParser.Parse(_get);
    [BenchmarkCategory("get"), Benchmark] public bool Get() => Parse(_get);
    [BenchmarkCategory("get"), Benchmark] public bool Get_three_segments() => Parse(_getSplit);

    [BenchmarkCategory("post"), Benchmark(Baseline = true)] public object? Post_naive() => NaiveHttpParser.Parse(_post);
    [BenchmarkCategory("post"), Benchmark] public bool Post_json() => Parse(_post);
    [BenchmarkCategory("post"), Benchmark] public bool Post_json_three_segments() => Parse(_postSplit);

    [BenchmarkCategory("20 headers"), Benchmark(Baseline = true)] public object? Twenty_headers_naive() => NaiveHttpParser.Parse(_many);
    [BenchmarkCategory("20 headers"), Benchmark] public bool Twenty_headers() => Parse(_many);
    [BenchmarkCategory("20 headers"), Benchmark] public bool Twenty_headers_three_segments() => Parse(_manySplit);
}
