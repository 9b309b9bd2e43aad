namespace RogerRat.Core;

/// <summary>
/// A 64-bit FNV-1a digest of what a send asks for (recipient as written, text, kind, priority, suggested replies,
/// attachments), so a retry under the same <c>Idempotency-Key</c> can be told from a different message without keeping
/// the request. Stable across processes (no randomised string hash), because a durable store persists it. Every field is
/// length-prefixed, so moving characters between fields changes the digest.
/// </summary>
internal static class SendFingerprint
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static ulong Of(PreparedSend send)
    {
        var h = Offset;
        h = AddRecipient(h, send.To);
        h = Add(h, send.Text);
        h = Add(h, (ulong)send.Kind);
        h = Add(h, (ulong)send.Priority);
        h = Add(h, (ulong)(send.SuggestedReplies?.Length ?? -1));
        foreach (var reply in send.SuggestedReplies ?? []) h = Add(h, reply);
        h = Add(h, (ulong)(send.Attachments?.Length ?? -1));
        foreach (var a in send.Attachments ?? [])
        {
            h = Add(h, a.Mime);
            h = Add(h, a.DataBase64);
            h = Add(h, a.Filename);
        }
        return h;
    }

    /// <summary>The cheap second check behind a digest match: the stored text is the one asked for.</summary>
    public static bool SameText(ChannelMessage stored, PreparedSend send) => string.Equals(stored.Text, send.Text, StringComparison.Ordinal);

    // The address resolves the same however it is spaced or cased (Channel.ResolveAddress trims and lower-cases it).
    private static ulong AddRecipient(ulong h, string? to)
    {
        var span = (to ?? "").AsSpan().Trim();
        h = Add(h, (ulong)span.Length);
        foreach (var c in span) h = (h ^ char.ToLowerInvariant(c)) * Prime;
        return h;
    }

    private static ulong Add(ulong h, string? s)
    {
        if (s is null) return Add(h, ulong.MaxValue);
        h = Add(h, (ulong)s.Length);
        foreach (var c in s) h = (h ^ c) * Prime;
        return h;
    }

    private static ulong Add(ulong h, ulong value)
    {
        for (var i = 0; i < 8; i++, value >>= 8) h = (h ^ (value & 0xFF)) * Prime;
        return h;
    }
}
