namespace RogerRat.Http.Api;

/// <summary>
/// What the REST face needs of a request, independent of the transport: the HTTP server adapts its request to this,
/// and tests can drive the API without sockets.
/// </summary>
public interface IApiRequest
{
    string Method { get; }

    /// <summary>The decoded path, without the query.</summary>
    string Path { get; }

    /// <summary>A query parameter's decoded value; null when absent.</summary>
    string? Query(string name);

    /// <summary>A header's value (case-insensitive name); null when absent.</summary>
    string? Header(string name);

    /// <summary>The whole request body (already bounded by the server's body limit).</summary>
    ReadOnlyMemory<byte> Body { get; }

    /// <summary>The peer's address (socket), before any proxy header is considered.</summary>
    System.Net.IPAddress? RemoteAddress { get; }

    /// <summary>Fires when the client goes away or the server stops.</summary>
    CancellationToken Aborted { get; }
}
