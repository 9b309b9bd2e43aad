using RogerRat.Core;

namespace RogerRat.Mcp;

/// <summary>Limits of an <see cref="McpEndpoint"/> beyond the HTTP server's own (body size, headers).</summary>
public sealed class McpEndpointLimits
{
    /// <summary>Most messages in one JSON-RPC batch (protocol 2025-03-26, the only one with batches); a longer batch
    /// is refused whole with -32600 and 400. It bounds the work and the answer one request can ask for: a 1 MiB batch
    /// of tools/list calls would otherwise be answered with about 85 MB.</summary>
    public int MaxBatchSize { get; set => field = OptionGuard.Positive(value); } = 100;

    /// <summary>Most resource subscriptions one session keeps; past it resources/subscribe is -32602.</summary>
    public int MaxSubscriptionsPerSession { get; set => field = OptionGuard.Positive(value); } = 100;

    /// <summary>Longest resource URI a session may subscribe to, in characters; longer is -32602.</summary>
    public int MaxSubscriptionUriLength { get; set => field = OptionGuard.Positive(value); } = 2048;
}
