using System.Globalization;
using System.Text.Json;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Mcp;

/// <summary>The list and read methods over tools, resources and prompts, with cursor pagination.</summary>
internal static class McpLists
{
    /// <summary>The page a cursor names: the cursor is the index to start at, as a string.</summary>
    public static (int Start, int End) Page(JsonRpcMessage m, int count, int pageSize)
    {
        var start = 0;
        if (m.Param("cursor") is { ValueKind: not JsonValueKind.Undefined and not JsonValueKind.Null } c)
        {
            if (c.ValueKind != JsonValueKind.String || !int.TryParse(c.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > count)
            {
                throw new JsonRpcException(McpErrorKind.InvalidParams, "invalid cursor");
            }
        }
        return (start, Math.Min(count, start + pageSize));
    }

    private static void NextCursor(Utf8JsonWriter w, int end, int count)
    {
        if (end < count) w.WriteString("nextCursor"u8, end.ToString(CultureInfo.InvariantCulture));
    }

    public static byte[] Tools(McpServerDefinition d, McpSession session, JsonRpcMessage m)
    {
        var tools = d.Tools(session);
        var (start, end) = Page(m, tools.Count, d.PageSize);
        return JsonRpcWriter.Result(m.Id, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("tools"u8);
            for (var i = start; i < end; i++)
            {
                var t = tools[i];
                w.WriteStartObject();
                w.WriteString("name"u8, t.Name);
                w.WriteString("description"u8, t.Description);
                w.WritePropertyName("inputSchema"u8);
                w.WriteRawValue(t.InputSchema);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            NextCursor(w, end, tools.Count);
            w.WriteEndObject();
        });
    }

    public static byte[] Resources(McpServerDefinition d, JsonRpcMessage m)
    {
        var (start, end) = Page(m, d.Resources.Count, d.PageSize);
        return JsonRpcWriter.Result(m.Id, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("resources"u8);
            for (var i = start; i < end; i++)
            {
                var r = d.Resources[i];
                w.WriteStartObject();
                w.WriteString("uri"u8, r.Uri);
                w.WriteString("name"u8, r.Name);
                if (r.Description is not null) w.WriteString("description"u8, r.Description);
                w.WriteString("mimeType"u8, r.MimeType);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            NextCursor(w, end, d.Resources.Count);
            w.WriteEndObject();
        });
    }

    public static byte[] ResourceTemplates(McpServerDefinition d, JsonRpcMessage m)
    {
        var (start, end) = Page(m, d.ResourceTemplates.Count, d.PageSize);
        return JsonRpcWriter.Result(m.Id, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("resourceTemplates"u8);
            for (var i = start; i < end; i++)
            {
                var t = d.ResourceTemplates[i];
                w.WriteStartObject();
                w.WriteString("uriTemplate"u8, t.UriTemplate);
                w.WriteString("name"u8, t.Name);
                if (t.Description is not null) w.WriteString("description"u8, t.Description);
                w.WriteString("mimeType"u8, t.MimeType);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            NextCursor(w, end, d.ResourceTemplates.Count);
            w.WriteEndObject();
        });
    }

    public static byte[] ReadResource(McpServerDefinition d, JsonRpcMessage m)
    {
        var uri = m.ParamString("uri") ?? throw new JsonRpcException(McpErrorKind.InvalidParams, "uri is required");
        string? text = null;
        var mime = "text/plain";
        var binary = false;
        if (d.Resources.FirstOrDefault(r => r.Uri == uri) is { } resource)
        {
            text = resource.Read();
            mime = resource.MimeType;
            binary = resource.Binary;
        }
        else
        {
            foreach (var t in d.ResourceTemplates)
            {
                text = t.Read(uri);
                if (text is not null)
                {
                    mime = t.MimeType;
                    break;
                }
            }
        }
        if (text is null) throw new JsonRpcException(McpErrorKind.ResourceNotFound, $"resource not found: {uri}");
        return JsonRpcWriter.Result(m.Id, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("contents"u8);
            w.WriteStartObject();
            w.WriteString("uri"u8, uri);
            w.WriteString("mimeType"u8, mime);
            w.WriteString(binary ? "blob"u8 : "text"u8, text);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    public static byte[] Prompts(McpServerDefinition d, JsonRpcMessage m)
    {
        var (start, end) = Page(m, d.Prompts.Count, d.PageSize);
        return JsonRpcWriter.Result(m.Id, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("prompts"u8);
            for (var i = start; i < end; i++)
            {
                var p = d.Prompts[i];
                w.WriteStartObject();
                w.WriteString("name"u8, p.Name);
                w.WriteString("description"u8, p.Description);
                w.WriteStartArray("arguments"u8);
                foreach (var (name, description, required) in p.Arguments)
                {
                    w.WriteStartObject();
                    w.WriteString("name"u8, name);
                    w.WriteString("description"u8, description);
                    w.WriteBoolean("required"u8, required);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            NextCursor(w, end, d.Prompts.Count);
            w.WriteEndObject();
        });
    }

    public static byte[] GetPrompt(McpServerDefinition d, JsonRpcMessage m)
    {
        var name = m.ParamString("name") ?? throw new JsonRpcException(McpErrorKind.InvalidParams, "name is required");
        var prompt = d.Prompts.FirstOrDefault(p => p.Name == name) ?? throw new JsonRpcException(McpErrorKind.InvalidParams, $"unknown prompt: {name}");
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        if (m.Param("arguments") is { ValueKind: JsonValueKind.Object } a)
        {
            foreach (var p in a.EnumerateObject()) args[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        foreach (var (argName, _, required) in prompt.Arguments)
        {
            if (required && !args.ContainsKey(argName)) throw new JsonRpcException(McpErrorKind.InvalidParams, $"missing required argument: {argName}");
        }
        var contents = prompt.Render(args);
        return JsonRpcWriter.Result(m.Id, w =>
        {
            w.WriteStartObject();
            w.WriteString("description"u8, prompt.Description);
            w.WriteStartArray("messages"u8);
            foreach (var content in contents)
            {
                w.WriteStartObject();
                w.WriteString("role"u8, "user");
                w.WritePropertyName("content"u8);
                content.Write(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
