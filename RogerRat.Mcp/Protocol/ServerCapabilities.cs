namespace RogerRat.Mcp.Protocol;

/// <summary>What every RogerRat.Mcp endpoint offers. The lists are fixed for a session's life, so no listChanged;
/// resources can be subscribed to; logging and completions exist (completions always answer empty).</summary>
internal sealed record ServerCapabilities
{
    public static readonly ServerCapabilities Fixed = new();

    public ListCapability Tools { get; } = new(ListChanged: false);
    public ResourcesCapability Resources { get; } = new(Subscribe: true, ListChanged: false);
    public ListCapability Prompts { get; } = new(ListChanged: false);
    public EmptyResult Logging { get; } = EmptyResult.Instance;
    public EmptyResult Completions { get; } = EmptyResult.Instance;

    internal sealed record ListCapability(bool ListChanged);

    internal sealed record ResourcesCapability(bool Subscribe, bool ListChanged);
}
