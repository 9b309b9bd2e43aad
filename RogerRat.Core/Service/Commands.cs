using System.Text.Json;

namespace RogerRat.Core.Service;

/// <summary>What a create asks for; unset fields take the host mode's preset, then the defaults.</summary>
public sealed record CreateCommand(Retention? Retention, TrustMode? TrustMode, string? OwnerPassword, double? SessionTtlSeconds, bool RequireIdentity)
{
    /// <summary>Reads a create body (reference §2.4, PROTOCOL adds require_identity).</summary>
    internal static CreateCommand Read(in RequestBody body)
    {
        Retention? retention = body.Raw("retention") is { } rv
            ? CreateChannelSpec.ParseRetention(rv.ValueKind == JsonValueKind.String ? rv.GetString() : null)
            : null;
        TrustMode? trust = body.Raw("trust_mode") is { } tv
            ? CreateChannelSpec.ParseTrustMode(tv.ValueKind == JsonValueKind.String ? tv.GetString() : null)
            : null;
        var password = body.Raw("owner_password") is { } pv
            ? pv.ValueKind == JsonValueKind.String ? pv.GetString()!.Trim() : throw new HubException(HubErrors.OwnerPasswordNotString)
            : null;
        double? ttl = null;
        if (body.Raw("session_ttl_seconds") is { } sv)
        {
            if (sv.ValueKind != JsonValueKind.Number || !sv.TryGetDouble(out var seconds)) throw new HubException(HubErrors.SessionTtlNotNumber);
            ttl = seconds;
        }
        var requireIdentity = false;
        if (body.Raw("require_identity") is { } iv)
        {
            if (iv.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new HubException(HubErrors.RequireIdentityNotBoolean);
            requireIdentity = iv.GetBoolean();
        }
        return new(retention, trust, string.IsNullOrEmpty(password) ? null : password, ttl, requireIdentity);
    }
}

/// <summary>What a join asks for. <see cref="SessionId"/> is the client's own (REST <c>X-Session-Id</c>) or the MCP session's.</summary>
public sealed record JoinCommand(string? Callsign, string? IdentityKey, string? OwnerPassword, string? SessionId)
{
    /// <summary>Reads a join body or tool arguments; <paramref name="identityKeyHeader"/> is REST's <c>X-Identity-Key</c>.</summary>
    internal static JoinCommand Read(in RequestBody body, string? sessionId, string? identityKeyHeader = null) => new(
        body.String("callsign"),
        body.String("identity_key") ?? identityKeyHeader,
        body.String("owner_password"),
        sessionId);
}

/// <summary>What a send asks for (reference §2.9 steps 3–6), with the retry key that makes it idempotent.</summary>
public sealed record SendCommand(SendRequest Request, string? IdempotencyKey)
{
    /// <summary>Reads a send body or tool arguments: <c>to</c>, <c>message</c> (or <c>text</c>), <c>kind</c>, <c>priority</c>,
    /// <c>suggested_replies</c> and <c>attachments</c>; a field of the wrong type is refused with its <see cref="HubException"/>.</summary>
    /// <param name="body">The request body or tool arguments.</param>
    /// <param name="idempotencyKey">The client's retry key (REST <c>Idempotency-Key</c>), or null.</param>
    internal static SendCommand Read(in RequestBody body, string? idempotencyKey)
    {
        var text = body.Get("message") is not null ? body.String("message") : body.String("text");
        return new(new SendRequest
        {
            To = body.String("to"),
            Text = text ?? "",
            Kind = body.Get("kind") is { } k
                ? k.ValueKind == JsonValueKind.String ? k.GetString() : throw new HubException(HubErrors.InvalidKind(TypeName(k), false))
                : null,
            Priority = body.String("priority", HubErrors.InvalidPriority),
            SuggestedReplies = ReadSuggestedReplies(body.Get("suggested_replies")),
            Attachments = ReadAttachments(body.Get("attachments")),
        }, idempotencyKey);
    }

    private static string?[]? ReadSuggestedReplies(JsonElement? value)
    {
        if (value is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw new HubException(HubErrors.SuggestedRepliesNotArray);
        var list = new string?[v.GetArrayLength()];
        var i = 0;
        foreach (var e in v.EnumerateArray())
        {
            list[i++] = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        }
        // A null entry stands for a non-string one; the engine reports it after the count check, as the original.
        return list;
    }

    private static AttachmentInput?[]? ReadAttachments(JsonElement? value)
    {
        if (value is not { } v) return null;
        if (v.ValueKind != JsonValueKind.Array) throw new HubException(HubErrors.AttachmentsNotArray);
        var list = new AttachmentInput?[v.GetArrayLength()];
        var i = 0;
        foreach (var e in v.EnumerateArray())
        {
            list[i++] = e.ValueKind == JsonValueKind.Object
                ? new AttachmentInput(StringOrNull(e, "mime"), StringOrNull(e, "data_base64"), StringOrNull(e, "filename"))
                : null;
        }
        return list;
    }

    private static string? StringOrNull(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // JavaScript's typeof, as the original's message shows it.
    private static string TypeName(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "object",
    };
}

/// <summary>A listen or wait: raw timeout and cursor as the face received them (query text or JSON number text).</summary>
public readonly record struct ListenCommand(bool Wait, string? Timeout, string? Since);
