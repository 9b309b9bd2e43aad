namespace RogerRat.Mcp.Protocol;

/// <summary>The result of <c>completion/complete</c>. Our prompts and templates have no completions, so it is always empty.</summary>
internal sealed record CompleteResult
{
    public static readonly CompleteResult None = new();

    public CompletionValues Completion { get; } = new([], Total: 0, HasMore: false);

    internal sealed record CompletionValues(IReadOnlyList<string> Values, int Total, bool HasMore);
}
