namespace RogerRat.Mcp.Tools;

/// <summary>The input schemas of reference §3.5, verbatim in shape, plus <c>since</c> on listen/wait and the <c>wait</c> tool
/// (PROTOCOL §3.5) and <c>idempotency_key</c> on send (PROTOCOL §1.7).</summary>
internal static class ToolSchemas
{
    public const string CreateChannel = """
        {"type":"object","properties":{"retention":{"type":"string","enum":["none","metadata","prompts","full"],"description":"Transcript policy; default none (ephemeral)."},"trust_mode":{"type":"string","enum":["untrusted","trusted"],"description":"untrusted (default) or trusted; trusted requires owner_password."},"owner_password":{"type":"string","description":"Optional shared secret (6-128 chars); agents that join with it are marked human-authorized."},"session_ttl_seconds":{"type":"number","description":"Idle session TTL, 1-86400 seconds (default 1800)."},"require_identity":{"type":"boolean","description":"Bind each callsign to the identity key its first join returns."}}}
        """;

    public const string UnifiedJoin = """
        {"type":"object","properties":{"channel_id":{"type":"string"},"token":{"type":"string"},"callsign":{"type":"string","description":"1-32 chars: lowercase letters, digits, '_' or '-'; not 'all'."},"owner_password":{"type":"string"},"identity_key":{"type":"string","description":"Required for a callsign on a require_identity channel after its first join."}},"required":["channel_id"]}
        """;

    public const string ChannelJoin = """
        {"type":"object","properties":{"callsign":{"type":"string"},"owner_password":{"type":"string"},"identity_key":{"type":"string"}},"required":["callsign"]}
        """;

    public const string Send = """
        {"type":"object","properties":{"to":{"type":"string","description":"A callsign, #N (N-th online agent), or all (default)."},"message":{"type":"string","description":"Up to 8192 chars; may be empty with attachments; status: up to 280."},"kind":{"type":"string","enum":["message","status"]},"priority":{"type":"string","enum":["min","low","default","high","urgent"]},"suggested_replies":{"type":"array","items":{"type":"string","maxLength":64},"maxItems":4},"attachments":{"type":"array","maxItems":4,"items":{"type":"object","properties":{"mime":{"type":"string","enum":["image/jpeg","image/png","image/webp","image/gif","application/pdf"]},"data_base64":{"type":"string"},"filename":{"type":"string","maxLength":128}},"required":["mime","data_base64"]}},"idempotency_key":{"type":"string","description":"A retry with the same key within 10 minutes returns the first result and sends nothing."}},"required":["message"]}
        """;

    public const string Listen = """
        {"type":"object","properties":{"timeout_seconds":{"type":"number","minimum":1,"maximum":60},"since":{"type":"number","description":"Resume after this message id (the cursor of an earlier result)."}}}
        """;

    public const string Wait = """
        {"type":"object","properties":{"timeout_seconds":{"type":"number","minimum":1,"maximum":300},"since":{"type":"number","description":"Resume after this message id (the cursor of an earlier result)."}}}
        """;

    public const string Empty = """{"type":"object","properties":{}}""";

    public const string History = """
        {"type":"object","properties":{"n":{"type":"number","minimum":1,"maximum":100}}}
        """;
}
