using System.Net;

namespace RogerRat.Http.Server;

/// <summary>Where and how the server listens.</summary>
public sealed class HttpServerOptions
{
    /// <summary>Address and port to bind; port 0 picks a free one (see <see cref="HttpServer.LocalEndPoint"/>).</summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Loopback, 7424);

    /// <summary>Per-connection and per-request limits; each rejects bad values where it is set.</summary>
    public HttpServerLimits Limits { get; } = new();

    /// <summary>Pending connections the OS queues before accept.</summary>
    public int Backlog { get; set => field = OptionGuard.Positive(value); } = 512;

    /// <summary>Called with the status and wire code of every request the server itself refused (malformed, over a
    /// limit, or at the connection cap), so an application can count rejections by reason. Runs on the connection's
    /// loop: keep it short and non-throwing.</summary>
    public Action<int, string>? Rejected { get; set; }
}
