using System.Text.Json;
using RogerRat.Mcp;

namespace RogerRat.McpFixture;

/// <summary>The tools, resources and prompts named by the conformance suite's server scenarios.</summary>
internal static class ConformanceServer
{
    // 1x1 red PNG and a tiny silent WAV.
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
    private const string Wav = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=";
    private const string NoArgs = """{"type":"object","properties":{}}""";

    public static McpServerDefinition Definition() => new()
    {
        Name = "rogerrat-conformance-fixture",
        Version = "0.1.0",
        Instructions = _ => "Conformance fixture for RogerRat.Mcp.",
        StreamToolCalls = true,
        Tools = _ => s_tools,
        Resources =
        [
            new("test://static-text", "static-text", "text/plain", () => "This is the content of the static text resource.", "A static text resource"),
            new("test://static-binary", "static-binary", "image/png", () => Png, "A static binary resource (PNG)", binary: true),
            new("test://watched-resource", "watched-resource", "text/plain", () => "Watched resource content.", "A resource clients can subscribe to"),
        ],
        ResourceTemplates =
        [
            new("test://template/{id}/data", "template-data", "application/json", TemplateData, "Data for an id"),
        ],
        Prompts =
        [
            new("test_simple_prompt", "A simple prompt without arguments", [], _ => [McpContent.Text("This is a simple prompt for testing.")]),
            new("test_prompt_with_arguments", "A prompt with two required arguments",
                [("arg1", "First test argument", true), ("arg2", "Second test argument", true)],
                a => [McpContent.Text($"Prompt with arguments: arg1='{a["arg1"]}', arg2='{a["arg2"]}'")]),
            new("test_prompt_with_embedded_resource", "A prompt embedding a resource", [("resourceUri", "URI of the resource to embed", true)],
                a => [McpContent.ResourceText(a["resourceUri"], "text/plain", "Embedded resource content for testing."), McpContent.Text("Please process the embedded resource above.")]),
            new("test_prompt_with_image", "A prompt with an image", [],
                _ => [McpContent.Image(Png, "image/png"), McpContent.Text("Please analyze the image above.")]),
        ],
    };

    private static string? TemplateData(string uri)
    {
        const string prefix = "test://template/", suffix = "/data";
        if (!uri.StartsWith(prefix, StringComparison.Ordinal) || !uri.EndsWith(suffix, StringComparison.Ordinal)) return null;
        var id = uri[prefix.Length..^suffix.Length];
        if (id.Length == 0 || id.Contains('/')) return null;
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["id"] = id, ["templateTest"] = true, ["data"] = $"Data for ID: {id}" },
            FixtureJson.Default.DictionaryStringObject);
    }

    private static readonly IReadOnlyList<McpTool> s_tools =
    [
        new("test_simple_text", "Returns simple text", NoArgs, _ => Done("This is a simple text response for testing.")),
        new("test_image_content", "Returns an image", NoArgs, _ => Done([McpContent.Image(Png, "image/png")])),
        new("test_audio_content", "Returns audio", NoArgs, _ => Done([McpContent.Audio(Wav, "audio/wav")])),
        new("test_embedded_resource", "Returns an embedded resource", NoArgs,
            _ => Done([McpContent.ResourceText("test://embedded-resource", "text/plain", "This is an embedded resource content.")])),
        new("test_multiple_content_types", "Returns text, image and resource", NoArgs, _ => Done(
        [
            McpContent.Text("Multiple content types test:"),
            McpContent.Image(Png, "image/png"),
            McpContent.ResourceText("test://mixed-content-resource", "application/json", """{"test":"data","value":123}"""),
        ])),
        new("test_tool_with_logging", "Logs three messages while it runs", NoArgs, async c =>
        {
            await c.Log("info", "Tool execution started");
            await Task.Delay(50, c.Aborted);
            await c.Log("info", "Tool processing data");
            await Task.Delay(50, c.Aborted);
            await c.Log("info", "Tool execution completed");
            return new McpToolResult { Text = "Logging test completed" };
        }),
        new("test_error_handling", "Always fails", NoArgs,
            _ => new(new McpToolResult { Text = "This tool intentionally returns an error for testing", IsError = true })),
        new("test_tool_with_progress", "Reports progress 0, 50, 100 of 100", NoArgs, async c =>
        {
            await c.ReportProgress(0, 100, null);
            await Task.Delay(50, c.Aborted);
            await c.ReportProgress(50, 100, null);
            await Task.Delay(50, c.Aborted);
            await c.ReportProgress(100, 100, null);
            return new McpToolResult { Text = "Progress test completed" };
        }),
        new("test_sampling", "Asks the client's LLM", """{"type":"object","properties":{"prompt":{"type":"string"}},"required":["prompt"]}""", async c =>
        {
            if (!ClientCan(c, "sampling")) return McpToolResult.Error("the client does not support sampling");
            var prompt = c.String("prompt") ?? "";
            var answer = await c.RequestClient("sampling/createMessage", w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("messages"u8);
                w.WriteStartObject();
                w.WriteString("role"u8, "user");
                w.WriteStartObject("content"u8);
                w.WriteString("type"u8, "text");
                w.WriteString("text"u8, prompt);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteNumber("maxTokens"u8, 100);
                w.WriteEndObject();
            }, c.Aborted);
            var text = answer.TryGetProperty("result", out var r) && r.TryGetProperty("content", out var content) && content.TryGetProperty("text", out var t)
                ? t.GetString() : answer.GetRawText();
            return new McpToolResult { Text = $"LLM response: {text}" };
        }),
        new("test_elicitation", "Asks the user for information", """{"type":"object","properties":{"message":{"type":"string"}},"required":["message"]}""", async c =>
        {
            if (!ClientCan(c, "elicitation")) return McpToolResult.Error("the client does not support elicitation");
            var message = c.String("message") ?? "";
            var answer = await Elicit(c, message, """{"type":"object","properties":{"username":{"type":"string","description":"User's response"},"email":{"type":"string","description":"User's email address"}},"required":["username","email"]}""");
            return new McpToolResult { Text = $"User response: {Describe(answer)}" };
        }),
        new("test_elicitation_sep1034_defaults", "Elicitation with defaults for every primitive type", NoArgs, async c =>
        {
            if (!ClientCan(c, "elicitation")) return McpToolResult.Error("the client does not support elicitation");
            var answer = await Elicit(c, "Please review the defaults", """{"type":"object","properties":{"name":{"type":"string","default":"John Doe"},"age":{"type":"integer","default":30},"score":{"type":"number","default":95.5},"status":{"type":"string","enum":["active","inactive","pending"],"default":"active"},"verified":{"type":"boolean","default":true}}}""");
            return new McpToolResult { Text = $"Elicitation completed: {Describe(answer)}" };
        }),
        new("test_elicitation_sep1330_enums", "Elicitation with the five enum shapes", NoArgs, async c =>
        {
            if (!ClientCan(c, "elicitation")) return McpToolResult.Error("the client does not support elicitation");
            var answer = await Elicit(c, "Please choose", """{"type":"object","properties":{"untitledSingle":{"type":"string","enum":["option1","option2","option3"]},"titledSingle":{"type":"string","oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},"legacyEnum":{"type":"string","enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},"untitledMulti":{"type":"array","items":{"type":"string","enum":["option1","option2","option3"]}},"titledMulti":{"type":"array","items":{"anyOf":[{"const":"value1","title":"First Choice"},{"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}}}""");
            return new McpToolResult { Text = $"Elicitation completed: {Describe(answer)}" };
        }),
        new("json_schema_2020_12_tool", "Tool with JSON Schema 2020-12 features",
            """{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","$defs":{"address":{"type":"object","properties":{"street":{"type":"string"},"city":{"type":"string"}}}},"properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"}},"additionalProperties":false}""",
            _ => Done("ok")),
    ];

    private static ValueTask<McpToolResult> Done(string text) => new(new McpToolResult { Text = text });

    private static ValueTask<McpToolResult> Done(IReadOnlyList<McpContent> content) => new(new McpToolResult { Content = content });

    private static bool ClientCan(McpCallContext c, string capability) =>
        c.Session.ClientCapabilities.ValueKind == JsonValueKind.Object && c.Session.ClientCapabilities.TryGetProperty(capability, out _);

    private static Task<JsonElement> Elicit(McpCallContext c, string message, string schema) =>
        c.RequestClient("elicitation/create", w =>
        {
            w.WriteStartObject();
            w.WriteString("message"u8, message);
            w.WritePropertyName("requestedSchema"u8);
            w.WriteRawValue(schema);
            w.WriteEndObject();
        }, c.Aborted);

    private static string Describe(JsonElement answer)
    {
        if (!answer.TryGetProperty("result", out var r)) return answer.GetRawText();
        var action = r.TryGetProperty("action", out var a) ? a.GetString() : "unknown";
        var content = r.TryGetProperty("content", out var ct) ? ct.GetRawText() : "{}";
        return $"action={action}, content={content}";
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(bool))]
internal sealed partial class FixtureJson : System.Text.Json.Serialization.JsonSerializerContext;
