namespace RogerRat.Core.Storage;

/// <summary>A message as the channel asks the store to append it: everything but the id and ring position.</summary>
public readonly record struct MessageDraft(string From, string To, string Text, long At, MessageKind Kind, MessagePriority Priority,
    IReadOnlyList<string>? SuggestedReplies, IReadOnlyList<Attachment>? Attachments);

/// <summary>The outcome of a staged append: the stored message (with its id), the one it pushed out of the ring, if any.</summary>
public readonly record struct StagedAppend(ChannelMessage Message, ChannelMessage? Evicted, StoreTicket Ticket);

/// <summary>A session as a store keeps it: last-seen is not logged per activity (a restored session starts a fresh TTL).</summary>
public readonly record struct SessionRecord(string SessionId, string Callsign, long JoinedAt);

/// <summary>A callsign's persistent facts besides its cursor.</summary>
public readonly record struct CallsignRecord(string Callsign, byte[]? IdentityKeyHash);

/// <summary>A remembered <c>Idempotency-Key</c>: the request's fingerprint and the first answer.</summary>
public readonly record struct IdempotencyRecord(string Sender, string Key, ulong Fingerprint, long MessageId, bool Queued, long ExpiresAt);
