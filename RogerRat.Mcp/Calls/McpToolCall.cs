using System.Text.Json;
using Microsoft.Extensions.Logging;
using RogerRat.Core;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Mcp;

/// <summary><c>tools/call</c>: finds the tool, runs its handler, and writes its result (content, structured
/// content, isError).</summary>
internal static class McpToolCall
{
    // Well inside the 60 s request timeout common among clients, so a parked listen never looks dead.
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromSeconds(15);

    public static async ValueTask<McpAnswer> CallAsync(McpRequest r)
    {
        var m = r.Message;
        var name = m.ParamString("name") ?? throw new JsonRpcException(McpErrorKind.InvalidParams, "tools/call needs params.name");
        var tool = Find(r.Definition.Tools(r.Session), name) ?? throw new JsonRpcException(McpErrorKind.InvalidParams, $"unknown tool: {name}");
        var arguments = m.Param("arguments");
        if (arguments.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            throw new JsonRpcException(McpErrorKind.InvalidParams, "arguments must be an object");
        }
        var stream = r.Stream;
        var context = new McpCallContext
        {
            Session = r.Session,
            Arguments = arguments,
            Aborted = r.Aborted,
            ReportProgress = stream is null ? McpCallContext.s_noProgress : stream.ProgressAsync,
            HasProgressToken = stream?.HasProgressToken == true,
            Log = stream is null ? McpCallContext.s_noLog : stream.LogAsync,
            RequestClient = stream is null ? McpCallContext.s_noStreamToClient : stream.RequestAsync,
            Client = r.Client,
        };
        McpToolResult result;
        try
        {
            result = await tool.Handler(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not JsonRpcException)
        {
            // A tool failure is a result the model can read, not a protocol error; a hub refusal says why.
            result = McpToolResult.Error(e is HubException ? e.Message : "internal error");
            if (e is HubException refused) r.Rejected?.Invoke(HubErrors.CodeOf(refused.Error.Reason));
            else r.Logger.LogError(e, "tool {Tool} failed", name);
        }
        return new McpAnswer(Write(m.Id, result), Written: result.Written);
    }

    /// <summary>Progress every 15 s while a long call waits, so clients with 60 s request timeouts stay alive.</summary>
    public static async Task KeepReportingAsync(McpCallContext call, Task until)
    {
        if (!call.HasProgressToken) return;
        var n = 0;
        while (await Task.WhenAny(until, Task.Delay(s_progressInterval, call.Aborted)).ConfigureAwait(false) != until && !call.Aborted.IsCancellationRequested)
        {
            await call.ReportProgress(++n, null, "still listening").ConfigureAwait(false);
        }
    }

    private static McpTool? Find(IReadOnlyList<McpTool> tools, string name)
    {
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i].Name == name) return tools[i];
        }
        return null;
    }

    private static byte[] Write(JsonElement id, McpToolResult result) => JsonRpcWriter.Result(id, w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("content"u8);
        if (result.Content is { } blocks)
        {
            foreach (var block in blocks) block.Write(w);
        }
        else
        {
            McpContent.Text(result.Text).Write(w);
        }
        w.WriteEndArray();
        if (result.StructuredContent is not null)
        {
            w.WritePropertyName("structuredContent"u8);
            result.StructuredContent(w);
        }
        w.WriteBoolean("isError"u8, result.IsError);
        w.WriteEndObject();
    });
}
