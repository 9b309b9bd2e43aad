namespace RogerRat.Mcp.Protocol;

/// <summary><c>{}</c>: the result of ping, subscribe, unsubscribe and setLevel, and an empty capability.</summary>
internal sealed record EmptyResult
{
    public static readonly EmptyResult Instance = new();
}
