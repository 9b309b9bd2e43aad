namespace RogerRat.Mcp;

/// <summary>Answers one request on a session.</summary>
internal delegate ValueTask<McpAnswer> McpMethodHandler(McpRequest request);

/// <summary>A row of <see cref="McpMethodTable"/>.</summary>
internal sealed class McpMethod(McpMethodHandler? handler, bool opensSession = false, bool mayStream = false)
{
    /// <summary>Null for the method that opens a session: it runs before there is one (see <see cref="InitializeMethod"/>).</summary>
    public McpMethodHandler? Handler { get; } = handler;

    /// <summary>initialize: needs no session, mints one, and must be a lone request.</summary>
    public bool OpensSession { get; } = opensSession;

    /// <summary>A call that may run long or talk back (progress, logs, sampling), so it is answered on an event stream
    /// when the client accepts one and asks for progress (or the definition streams every call).</summary>
    public bool MayStream { get; } = mayStream;
}
