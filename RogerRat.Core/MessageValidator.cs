using System.Buffers;

namespace RogerRat.Core;

/// <summary>Value rules for a send (reference §1.9 step 5, §1.12, §1.13, §2.9 steps 4–6), in the original's order.</summary>
internal sealed class MessageValidator(HubOptions options)
{
    private static readonly string[] s_mimes = ["image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"];
    private static readonly SearchValues<char> s_base64Body =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    public static MessagePriority ParsePriority(string? raw) => raw switch
    {
        null or "default" => MessagePriority.Default,
        "min" => MessagePriority.Min,
        "low" => MessagePriority.Low,
        "high" => MessagePriority.High,
        "urgent" => MessagePriority.Urgent,
        _ => throw new HubException(HubErrors.InvalidPriority),
    };

    public static MessageKind ParseKind(string? raw) => raw switch
    {
        null or "message" => MessageKind.Message,
        "status" => MessageKind.Status,
        _ => throw new HubException(HubErrors.InvalidKind(raw, raw is "text" or "msg" or "chat")),
    };

    public string[]? SuggestedReplies(IReadOnlyList<string?>? raw)
    {
        if (raw is null || raw.Count == 0) return null;
        if (raw.Count > options.MaxSuggestedReplies) throw new HubException(HubErrors.SuggestedRepliesTooMany(options.MaxSuggestedReplies));
        List<string>? kept = null;
        foreach (var entry in raw)
        {
            if (entry is null) throw new HubException(HubErrors.SuggestedReplyNotString);
            var trimmed = entry.Trim();
            if (trimmed.Length == 0) continue;
            if (trimmed.Length > options.MaxSuggestedReplyChars) throw new HubException(HubErrors.SuggestedReplyTooLong(options.MaxSuggestedReplyChars));
            (kept ??= new List<string>(raw.Count)).Add(trimmed);
        }
        return kept?.ToArray();
    }

    public Attachment[]? Attachments(IReadOnlyList<AttachmentInput?>? raw)
    {
        if (raw is null || raw.Count == 0) return null;
        if (raw.Count > options.MaxAttachments) throw new HubException(HubErrors.AttachmentsTooMany(options.MaxAttachments));
        var result = new Attachment[raw.Count];
        long total = 0;
        for (var i = 0; i < raw.Count; i++)
        {
            var item = raw[i] ?? throw new HubException(HubErrors.AttachmentNotObject(i));
            if (item.Mime is null || Array.IndexOf(s_mimes, item.Mime) < 0) throw new HubException(HubErrors.AttachmentMimeInvalid(i));
            if (string.IsNullOrEmpty(item.DataBase64)) throw new HubException(HubErrors.AttachmentDataMissing(i));
            var data = StripWhitespace(item.DataBase64);
            if (!IsBase64(data)) throw new HubException(HubErrors.AttachmentDataNotBase64(i));
            total += data.Length;
            if (total > options.MaxAttachmentBase64Chars) throw new HubException(HubErrors.AttachmentsTooLarge(options.MaxAttachmentBase64Chars));
            string? filename = null;
            if (item.Filename is not null)
            {
                var f = item.Filename.Trim();
                if (f.Length > options.MaxAttachmentFilenameChars) f = f[..options.MaxAttachmentFilenameChars];
                if (f.Length > 0) filename = f;
            }
            result[i] = new Attachment(item.Mime, data, filename);
        }
        return result;
    }

    public void Text(MessageKind kind, string text, bool hasAttachments)
    {
        if (kind == MessageKind.Status)
        {
            if (text.Length == 0) throw new HubException(HubErrors.StatusTextRequired);
            if (text.Length > options.MaxStatusChars) throw new HubException(HubErrors.StatusTooLong(options.MaxStatusChars));
            return;
        }
        if (text.Length == 0 && !hasAttachments) throw new HubException(HubErrors.MessageTextRequired);
        if (text.Length > options.MaxMessageChars) throw new HubException(HubErrors.MessageTooLong(options.MaxMessageChars));
    }

    private static string StripWhitespace(string s)
    {
        var i = 0;
        while (i < s.Length && !char.IsWhiteSpace(s[i])) i++;
        if (i == s.Length) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (var c in s) if (!char.IsWhiteSpace(c)) sb.Append(c);
        return sb.ToString();
    }

    // ^[A-Za-z0-9+/]+={0,2}$ plus a length that is a whole number of quanta: the original accepts any length
    // (weak spot §15.26), which lets undecodable data through.
    private static bool IsBase64(string s)
    {
        var pad = s.EndsWith("==", StringComparison.Ordinal) ? 2 : s.EndsWith('=') ? 1 : 0;
        var body = s.AsSpan(0, s.Length - pad);
        return body.Length > 0 && !body.ContainsAnyExcept(s_base64Body) && s.Length % 4 == 0;
    }
}
