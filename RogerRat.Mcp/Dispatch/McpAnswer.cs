namespace RogerRat.Mcp;

/// <summary>What a POST is answered with: the JSON body, the HTTP status of a response that carries only it, and the
/// hook told whether the body reached the client (a listen commits its delivery only then), and the error's kind when
/// the body is a JSON-RPC error (counted as a rejection).</summary>
internal readonly record struct McpAnswer(byte[] Body, int Status = 200, Func<bool, ValueTask>? Written = null, McpErrorKind? Error = null);
