using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RogerRat.Host.ListenHere;

/// <summary>Where messages land: the inbox file (jsonl or text lines, 0600), attachments beside it (0700 dir, 0600
/// files) and the state file holding the last id written, committed only after its line is on disk.</summary>
internal sealed class Inbox(ListenOptions options)
{
    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The last id written (0 when none), read from the state file at start.</summary>
    public long LastId { get; private set; } = ReadState(options.StatePath);

    private static long ReadState(string? path)
    {
        if (path is null || !File.Exists(path)) return 0;
        return long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;
    }

    /// <summary>Records <paramref name="id"/> as written: a temp file renamed over the state, so a crash leaves the old or the new value.</summary>
    public void Commit(long id)
    {
        LastId = id;
        if (options.StatePath is not { } path) return;
        var tmp = path + ".tmp";
        WriteFile(tmp, id.ToString(CultureInfo.InvariantCulture) + "\n", FileMode.Create);
        File.Move(tmp, path, overwrite: true);
    }

    private string? IdentityPath => options.StatePath is { } state ? state + ".identity-key" : null;

    /// <summary>The identity key a previous run was handed on its first join (require_identity channels), if kept.</summary>
    public string? ReadIdentityKey() =>
        IdentityPath is { } path && File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } key ? key : null;

    /// <summary>Keeps the key the hub shows only once (0600, beside the state file); returns where, or null.</summary>
    public string? SaveIdentityKey(string key)
    {
        if (IdentityPath is not { } path) return null;
        WriteFile(path, key + "\n", FileMode.Create);
        return path;
    }

    /// <summary>A status line (connected, heartbeat): text format with an inbox only.</summary>
    public void Status(string line)
    {
        if (options.Inbox is null || options.Jsonl) return;
        Append("⟲ [listen-here] " + line);
    }

    public void Append(string line)
    {
        if (options.Inbox is not { } path) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        WriteFile(path, line + "\n", FileMode.Append);
    }

    private static void WriteFile(string path, string text, FileMode mode)
    {
        var fs = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows()) fs.UnixCreateMode = PrivateFile;
        using var stream = new FileStream(path, fs);
        var bytes = Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
        stream.Flush(flushToDisk: false);
    }

    /// <summary>Saves the message's attachments (only with an inbox) and returns their paths.</summary>
    public List<string> SaveAttachments(JsonElement message, long id)
    {
        var saved = new List<string>();
        if (options.Inbox is not { } inbox || !message.TryGetProperty("attachments", out var atts) || atts.ValueKind != JsonValueKind.Array) return saved;
        var full = Path.GetFullPath(inbox);
        var dir = Path.Combine(Path.GetDirectoryName(full) ?? ".", Path.GetFileNameWithoutExtension(full) + "-attachments");
        var index = 0;
        foreach (var att in atts.EnumerateArray())
        {
            index++;
            if (att.ValueKind != JsonValueKind.Object || !att.TryGetProperty("data_base64", out var data) || data.ValueKind != JsonValueKind.String) continue;
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(data.GetString()!);
            }
            catch (FormatException)
            {
                continue;
            }
            var name = att.TryGetProperty("filename", out var fn) && fn.ValueKind == JsonValueKind.String ? fn.GetString() : null;
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
            else Directory.CreateDirectory(dir, DirMode);
            var path = Path.Combine(dir, $"{id.ToString(CultureInfo.InvariantCulture)}-{index}-{SafeName(name, index)}");
            var fs = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) fs.UnixCreateMode = PrivateFile;
            using (var stream = new FileStream(path, fs)) stream.Write(bytes);
            saved.Add(path);
        }
        return saved;
    }

    /// <summary>A file name that stays inside the attachments folder: separators, NUL and control characters become
    /// <c>_</c>, leading dots go, at most 96 chars; <c>att-&lt;index&gt;</c> without a name, <c>attachment</c> when nothing is left.</summary>
    public static string SafeName(string? name, int index)
    {
        if (string.IsNullOrEmpty(name)) return $"att-{index}";
        var sb = new StringBuilder(name.Length);
        foreach (var c in name) sb.Append(c is '/' or '\\' || char.IsControl(c) || char.IsSurrogate(c) ? '_' : c);
        var safe = sb.ToString().TrimStart('.');
        if (safe.Length > 96) safe = safe[..96];
        safe = safe.Trim();
        return safe.Length == 0 || safe.All(c => c == '.') ? "attachment" : safe;
    }

    /// <summary>The inbox line for <paramref name="message"/>.</summary>
    public string Format(JsonElement message, List<string> saved)
    {
        if (options.Jsonl)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                foreach (var p in message.EnumerateObject()) p.WriteTo(w);
                if (saved.Count > 0)
                {
                    w.WriteStartArray("saved_paths"u8);
                    foreach (var s in saved) w.WriteStringValue(s);
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        var from = Str(message, "from") ?? "?";
        var text = OneLine(Str(message, "text") ?? "");
        if (Str(message, "kind") == "status") return $"⏳ [{from}] (working) {text}";
        var line = new StringBuilder();
        var priority = Str(message, "priority");
        if (priority is not null && priority != "default") line.Append('[').Append(priority).Append("] ");
        line.Append('[').Append(from).Append("] ").Append(text);
        var replies = Strings(message, "suggested_replies");
        if (replies.Count > 0) line.Append("  →").Append(string.Concat(replies.Select(r => $" [{r}]")));
        if (saved.Count > 0) line.Append("  📎 ").Append(string.Join(", ", saved));
        else if (message.TryGetProperty("attachments", out var atts) && atts.ValueKind == JsonValueKind.Array && atts.GetArrayLength() > 0)
        {
            var parts = atts.EnumerateArray().Select(a => (Str(a, "mime") ?? "?") + (Str(a, "filename") is { } f ? $" \"{f}\"" : ""));
            line.Append($"  📎 ({atts.GetArrayLength()} inline, not saved: {string.Join(", ", parts)})");
        }
        return line.ToString();
    }

    public static string OneLine(string text) => text.Replace("\r\n", " ").Replace('\n', ' ').Trim();

    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static List<string> Strings(JsonElement e, string name)
    {
        var list = new List<string>();
        if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in v.EnumerateArray()) if (s.ValueKind == JsonValueKind.String) list.Add(s.GetString()!);
        }
        return list;
    }
}
