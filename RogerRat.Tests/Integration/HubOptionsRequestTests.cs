using System.Net.Sockets;
using System.Text;
using RogerRat.Tests.Http;

namespace RogerRat.Tests.Integration;

/// <summary>OPTIONS on the whole hub over a real socket: 204 with the methods a path takes, never a 405.</summary>
public class HubOptionsRequestTests
{
    [Theory]
    [InlineData("*", "GET, HEAD, POST, DELETE, OPTIONS")]
    [InlineData("/", "GET, HEAD, OPTIONS")]
    [InlineData("/llms.txt", "GET, HEAD, OPTIONS")]
    [InlineData("/api/channels", "POST, OPTIONS")]
    [InlineData("/mcp", "POST, DELETE, OPTIONS")]
    public async Task Options_answers_204_with_allow(string target, string allow)
    {
        await using var hub = await LiveHub.StartAsync();
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(hub.Server.LocalEndPoint);
        await s.SendAsync(Encoding.ASCII.GetBytes($"OPTIONS {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), SocketFlags.None);
        var r = await RawHttp.ReadAllAsync(s, TimeSpan.FromSeconds(5));
        Assert.Equal(204, RawHttp.Status(r));
        Assert.Contains($"\r\nAllow: {allow}\r\n", r);
        Assert.DoesNotContain("\r\nContent-Length:", r);
        Assert.DoesNotContain("\r\nContent-Type:", r);
    }
}
