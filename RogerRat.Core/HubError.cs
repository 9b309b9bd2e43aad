namespace RogerRat.Core;

/// <summary>
/// One entry of the error catalogue (reference Appendix A): the HTTP status, the wire <c>code</c> (null where the
/// original sends none), the message and an optional hint. REST and MCP map it in one place each.
/// </summary>
public sealed record HubError(int Status, string? Code, string Message, string? Hint = null);

/// <summary>The engine's only exception: a caller-visible failure carrying its catalogue entry.</summary>
public sealed class HubException(HubError error) : Exception(error.Message)
{
    public HubError Error { get; } = error;
    public int Status => Error.Status;
    public string? Code => Error.Code;
    public string? Hint => Error.Hint;
}
