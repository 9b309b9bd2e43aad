using System.Text.Json;

namespace RogerRat.Mcp;

/// <summary>A tool: name, description, exact input schema (raw JSON) and its handler.</summary>
internal sealed class McpTool(string name, string description, string inputSchema, Func<McpCallContext, ValueTask<McpToolResult>> handler)
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    /// <summary>The JSON Schema of the arguments, verbatim.</summary>
    public string InputSchema { get; } = inputSchema;
    public Func<McpCallContext, ValueTask<McpToolResult>> Handler { get; } = handler;
}

/// <summary>A tool's answer: text content, optional structured content, the error flag, and a hook called with
/// whether the response reached the client (a listen commits its delivery only then).</summary>
internal sealed class McpToolResult
{
    /// <summary>The text of the result (its single content block unless <see cref="Content"/> is set).</summary>
    public string Text { get; init; } = "";
    /// <summary>Content blocks, when a result is more than one text block.</summary>
    public IReadOnlyList<McpContent>? Content { get; init; }
    public bool IsError { get; init; }
    public Action<Utf8JsonWriter>? StructuredContent { get; init; }
    /// <summary>Told whether the answer reached the client; a listen commits its delivery only then.</summary>
    public Func<bool, ValueTask>? Written { get; init; }

    public static McpToolResult Error(string message) => new() { Text = $"error: {message}", IsError = true };
}

/// <summary>What a tool handler gets.</summary>
internal sealed class McpCallContext
{
    // What a call without an event stream gets: logs go nowhere, and asking the client something is a caller bug.
    internal static readonly Func<double, double?, string?, ValueTask> s_noProgress = static (_, _, _) => ValueTask.CompletedTask;
    internal static readonly Func<string, string, ValueTask> s_noLog = static (_, _) => ValueTask.CompletedTask;
    internal static readonly Func<string, Action<Utf8JsonWriter>, CancellationToken, Task<JsonElement>> s_noStreamToClient =
        static (_, _, _) => throw new InvalidOperationException("this call has no stream to the client");

    public required McpSession Session { get; init; }
    public required JsonElement Arguments { get; init; }
    public required CancellationToken Aborted { get; init; }
    /// <summary>Sends <c>notifications/progress</c> when the caller gave a progress token and reads an SSE stream; else a no-op.</summary>
    public required Func<double, double?, string?, ValueTask> ReportProgress { get; init; }
    public bool HasProgressToken { get; init; }

    /// <summary>Sends <c>notifications/message</c> (level, data) when the call streams and the session's level allows.</summary>
    public Func<string, string, ValueTask> Log { get; init; } = s_noLog;

    /// <summary>Sends a request to the client on the call's stream and awaits its answer (sampling, elicitation);
    /// throws when the call does not stream.</summary>
    public Func<string, Action<Utf8JsonWriter>, CancellationToken, Task<JsonElement>> RequestClient { get; init; } = s_noStreamToClient;
    /// <summary>The client's address, for per-address rate limits.</summary>
    public string Client { get; init; } = "unknown";

    public string? String(string name) =>
        Arguments.ValueKind == JsonValueKind.Object && Arguments.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public JsonElement Get(string name) =>
        Arguments.ValueKind == JsonValueKind.Object && Arguments.TryGetProperty(name, out var v) ? v : default;

    public double? Number(string name) => Get(name) is { ValueKind: JsonValueKind.Number } v && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;
}

/// <summary>A static resource; <see cref="Binary"/> ones return base64 as a blob.</summary>
internal sealed class McpResource(string uri, string name, string mimeType, Func<string> read, string? description = null, bool binary = false)
{
    public bool Binary { get; } = binary;
    public string Uri { get; } = uri;
    public string Name { get; } = name;
    public string MimeType { get; } = mimeType;
    public string? Description { get; } = description;
    public Func<string> Read { get; } = read;
}

/// <summary>A URI template for resources the server can produce on demand.</summary>
internal sealed class McpResourceTemplate(string uriTemplate, string name, string mimeType, Func<string, string?> read, string? description = null)
{
    public string UriTemplate { get; } = uriTemplate;
    public string Name { get; } = name;
    public string MimeType { get; } = mimeType;
    public string? Description { get; } = description;
    /// <summary>Returns the text for a URI that matches the template, or null.</summary>
    public Func<string, string?> Read { get; } = read;
}

/// <summary>A prompt with named string arguments.</summary>
internal sealed class McpPrompt(string name, string description, IReadOnlyList<(string Name, string Description, bool Required)> arguments,
    Func<IReadOnlyDictionary<string, string>, IReadOnlyList<McpContent>> render)
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public IReadOnlyList<(string Name, string Description, bool Required)> Arguments { get; } = arguments;
    /// <summary>The prompt's user messages, one content block each.</summary>
    public Func<IReadOnlyDictionary<string, string>, IReadOnlyList<McpContent>> Render { get; } = render;
}

/// <summary>Everything one MCP endpoint serves.</summary>
internal sealed class McpServerDefinition
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    public Func<McpSession, string>? Instructions { get; init; }
    public Func<McpSession, IReadOnlyList<McpTool>> Tools { get; init; } = static _ => [];
    public IReadOnlyList<McpResource> Resources { get; init; } = [];
    public IReadOnlyList<McpResourceTemplate> ResourceTemplates { get; init; } = [];
    public IReadOnlyList<McpPrompt> Prompts { get; init; } = [];
    /// <summary>Answer every <c>tools/call</c> on an SSE stream when the client accepts one (needed for logging and
    /// server-to-client requests during a call); else only calls with a progress token stream.</summary>
    public bool StreamToolCalls { get; init; }

    /// <summary>Items per page of the list methods (<c>nextCursor</c> beyond it).</summary>
    public int PageSize { get; init; } = 50;
}
