using System.Text;
using RogerRat.Http.Server;

namespace RogerRat.Tests.Http;

/// <summary>A header block is checked once, by the rule <see cref="HttpResponse.AddHeader"/> applies per call.</summary>
public class HttpHeaderBlockTests
{
    [Fact]
    public void Encodes_each_header_as_one_line()
    {
        var block = HttpHeaderBlock.Encode([new("X-A", "1"), new("X-B", "two words")]);
        Assert.Equal("X-A: 1\r\nX-B: two words\r\n", Encoding.UTF8.GetString(block.Bytes));
    }

    [Theory]
    [InlineData("X-A", "a\r\nX-Injected: 1")]
    [InlineData("X-A", "a\nb")]
    [InlineData("X-A\r\nX-B", "1")]
    [InlineData("X:A", "1")]
    [InlineData("Connection", "close")]
    public void Refuses_what_would_split_the_response_or_take_the_servers_framing(string name, string value)
    {
        Assert.Throws<ArgumentException>(() => HttpHeaderBlock.Encode([new(name, value)]));
    }
}
