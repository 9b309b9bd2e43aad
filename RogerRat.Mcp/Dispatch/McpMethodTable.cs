using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using RogerRat.Mcp.JsonRpc;
using RogerRat.Mcp.Protocol;

namespace RogerRat.Mcp;

/// <summary>
/// Every JSON-RPC method an endpoint answers, in one table: the session rules, batches and the probe of a client
/// without a session all ask it. Notifications are not listed: each is accepted with 202 whether we know it or not,
/// as the spec wants of a server that has nothing to do for it.
/// </summary>
internal static class McpMethodTable
{
    private static readonly FrozenDictionary<string, McpMethod> s_methods = new Dictionary<string, McpMethod>(StringComparer.Ordinal)
    {
        ["initialize"] = new(handler: null, opensSession: true),
        ["ping"] = new(static r => Empty(r)),
        ["tools/list"] = new(static r => new(new McpAnswer(McpLists.Tools(r.Definition, r.Session, r.Message)))),
        ["tools/call"] = new(McpToolCall.CallAsync, mayStream: true),
        ["resources/list"] = new(static r => new(new McpAnswer(McpLists.Resources(r.Definition, r.Message)))),
        ["resources/templates/list"] = new(static r => new(new McpAnswer(McpLists.ResourceTemplates(r.Definition, r.Message)))),
        ["resources/read"] = new(static r => new(new McpAnswer(McpLists.ReadResource(r.Definition, r.Message)))),
        ["resources/subscribe"] = new(Subscribe),
        ["resources/unsubscribe"] = new(Unsubscribe),
        ["prompts/list"] = new(static r => new(new McpAnswer(McpLists.Prompts(r.Definition, r.Message)))),
        ["prompts/get"] = new(static r => new(new McpAnswer(McpLists.GetPrompt(r.Definition, r.Message)))),
        ["logging/setLevel"] = new(SetLogLevel),
        ["completion/complete"] = new(static r => new(new McpAnswer(JsonRpcWriter.Result(r.Message.Id, CompleteResult.None, McpJsonContext.Default.CompleteResult)))),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryFind(string? name, [NotNullWhen(true)] out McpMethod? method)
    {
        method = null;
        return name is not null && s_methods.TryGetValue(name, out method);
    }

    private static ValueTask<McpAnswer> Empty(McpRequest r) =>
        new(new McpAnswer(JsonRpcWriter.Result(r.Message.Id, EmptyResult.Instance, McpJsonContext.Default.EmptyResult)));

    private static ValueTask<McpAnswer> Subscribe(McpRequest r)
    {
        var uri = RequiredString(r, "uri");
        var limits = r.Limits;
        if (uri.Length > limits.MaxSubscriptionUriLength)
            throw new JsonRpcException(McpErrorKind.InvalidParams, $"uri longer than {limits.MaxSubscriptionUriLength} characters");
        var subscriptions = r.Session.Subscriptions;
        if (!subscriptions.ContainsKey(uri) && subscriptions.Count >= limits.MaxSubscriptionsPerSession)
            throw new JsonRpcException(McpErrorKind.InvalidParams, $"at most {limits.MaxSubscriptionsPerSession} subscriptions per session");
        subscriptions[uri] = 0;
        return Empty(r);
    }

    private static ValueTask<McpAnswer> Unsubscribe(McpRequest r)
    {
        r.Session.Subscriptions.TryRemove(RequiredString(r, "uri"), out _);
        return Empty(r);
    }

    private static ValueTask<McpAnswer> SetLogLevel(McpRequest r)
    {
        r.Session.LogLevel = RequiredString(r, "level");
        return Empty(r);
    }

    private static string RequiredString(McpRequest r, string name) =>
        r.Message.ParamString(name) ?? throw new JsonRpcException(McpErrorKind.InvalidParams, $"{name} is required");
}
