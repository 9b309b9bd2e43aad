using System.Collections.Concurrent;
using System.Text.Json;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Mcp;

/// <summary>
/// One MCP session: server-minted id, negotiated version, the endpoint that created it, the channel it joined.
/// Requests in flight on it share it: fields written after initialize (BoundChannel, LogLevel) are single values
/// whose last writer wins, and the maps are concurrent.
/// </summary>
internal sealed class McpSession(string id, string endpoint, string protocolVersion, long now)
{
    private long _lastSeen = now;
    private long _nextRequestId;

    // Requests we sent to the client on a call's stream, by the id we minted, awaiting the client's POSTed response.
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pendingClientRequests = new(StringComparer.Ordinal);

    public string Id { get; } = id;
    /// <summary>"" for the unified endpoint, else the channel id of <c>/mcp/&lt;id&gt;</c>.</summary>
    public string Endpoint { get; } = endpoint;
    public string ProtocolVersion { get; } = protocolVersion;
    /// <summary>The channel the unified session joined (the per-channel endpoint's is fixed).</summary>
    public string? BoundChannel { get; set; }
    public string LogLevel { get; set; } = "info";
    public ConcurrentDictionary<string, byte> Subscriptions { get; } = new(StringComparer.Ordinal);
    /// <summary>The client's capabilities from initialize (sampling, elicitation, ...), as raw JSON.</summary>
    public JsonElement ClientCapabilities { get; set; }
    public long LastSeen => Volatile.Read(ref _lastSeen);
    public void Touch(long now) => Volatile.Write(ref _lastSeen, now);

    /// <summary>Mints an id for a request to the client and registers it; the task completes with the client's
    /// whole response message. <see cref="EndClientRequest"/> must follow, answered or not.</summary>
    internal (string Id, Task<JsonElement> Response) BeginClientRequest()
    {
        var id = $"s{Interlocked.Increment(ref _nextRequestId)}";
        var pending = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingClientRequests[id] = pending;
        return (id, pending.Task);
    }

    internal void EndClientRequest(string id) => _pendingClientRequests.TryRemove(id, out _);

    /// <summary>Hands a client's response to the request it answers. A response to nothing we wait for (a late
    /// answer, or an id we never sent) is dropped: there is no one to tell.</summary>
    internal bool TryCompleteClientRequest(JsonRpcMessage response)
    {
        // Our ids are strings; a number can match none, but its text keeps the lookup total.
        var key = response.Id.ValueKind == JsonValueKind.String ? response.Id.GetString()! : response.Id.GetRawText();
        return _pendingClientRequests.TryRemove(key, out var pending) && pending.TrySetResult(response.Raw.Clone());
    }
}
