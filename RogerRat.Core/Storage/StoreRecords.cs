namespace RogerRat.Core.Storage;

/// <summary>A message as the channel asks the store to append it: everything but the id and ring position.</summary>
/// <param name="From">The sender's callsign.</param>
/// <param name="To">The resolved recipient callsign, or <c>all</c>.</param>
/// <param name="Text">The message body.</param>
/// <param name="At">Wall-clock time of the send in Unix milliseconds; the id is minted from it.</param>
/// <param name="Kind">Message or status signal.</param>
/// <param name="Priority">The advisory priority.</param>
/// <param name="SuggestedReplies">Reply options, or null when none.</param>
/// <param name="Attachments">Validated attachments, or null when none.</param>
public readonly record struct MessageDraft(string From, string To, string Text, long At, MessageKind Kind, MessagePriority Priority,
    IReadOnlyList<string>? SuggestedReplies, IReadOnlyList<Attachment>? Attachments);

/// <summary>The outcome of a staged append: the stored message (with its id), the one it pushed out of the ring, if any.</summary>
/// <param name="Message">The stored message, with its minted id.</param>
/// <param name="Evicted">The message the append pushed out of the ring, or null.</param>
/// <param name="Ticket">What to wait on before acknowledging the append.</param>
public readonly record struct StagedAppend(ChannelMessage Message, ChannelMessage? Evicted, StoreTicket Ticket);

/// <summary>A session as a store keeps it: last-seen is not logged per activity (a restored session starts a fresh TTL).</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Callsign">The callsign the session holds.</param>
/// <param name="JoinedAt">When the session joined, in Unix milliseconds.</param>
public readonly record struct SessionRecord(string SessionId, string Callsign, long JoinedAt);

/// <summary>A callsign's persistent facts besides its cursor.</summary>
/// <param name="Callsign">The callsign.</param>
/// <param name="IdentityKeyHash">SHA-256 of its identity key, or null when it has none.</param>
public readonly record struct CallsignRecord(string Callsign, byte[]? IdentityKeyHash);

/// <summary>A remembered <c>Idempotency-Key</c>: the request's fingerprint and the first answer.</summary>
/// <param name="Sender">The sending callsign the key belongs to.</param>
/// <param name="Key">The <c>Idempotency-Key</c> value.</param>
/// <param name="Fingerprint">Digest of the send the key first answered, to tell a retry from a different message.</param>
/// <param name="MessageId">Id of the message the key first answered.</param>
/// <param name="Queued">Whether that send was a DM to an offline addressee.</param>
/// <param name="ExpiresAt">Unix milliseconds after which the key is forgotten.</param>
public readonly record struct IdempotencyRecord(string Sender, string Key, ulong Fingerprint, long MessageId, bool Queued, long ExpiresAt);
