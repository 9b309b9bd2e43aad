using RogerRat.Core.Storage;

namespace RogerRat.Core;

/// <summary>A send whose values passed validation; only session and recipient checks remain.</summary>
public sealed class PreparedSend
{
    internal PreparedSend(string? to, string text, MessageKind kind, MessagePriority priority, string[]? suggestedReplies,
        Attachment[]? attachments)
    {
        To = to;
        Text = text;
        Kind = kind;
        Priority = priority;
        SuggestedReplies = suggestedReplies;
        Attachments = attachments;
    }

    internal string? To { get; }
    internal string Text { get; }
    internal MessageKind Kind { get; }
    internal MessagePriority Priority { get; }
    internal string[]? SuggestedReplies { get; }
    internal Attachment[]? Attachments { get; }
}

/// <summary>The outcome of a send. <see cref="Queued"/>: a DM whose addressee is offline.</summary>
public sealed record SendResult(ChannelMessage Message, bool Queued, bool Replayed = false);

public sealed partial class Channel
{
    /// <summary>Value checks in the original's order (priority, kind, suggested replies, attachments); no state is read.</summary>
    public PreparedSend Prepare(SendRequest request)
    {
        var priority = MessageValidator.ParsePriority(request.Priority);
        var kind = MessageValidator.ParseKind(request.Kind);
        var replies = _validator.SuggestedReplies(request.SuggestedReplies);
        var attachments = _validator.Attachments(request.Attachments);
        return new PreparedSend(request.To, request.Text ?? "", kind, priority, replies, attachments);
    }

    /// <summary>Validates and sends.</summary>
    public SendResult Send(string? sessionId, SendRequest request, string? idempotencyKey = null) =>
        Send(sessionId, Prepare(request), idempotencyKey);

    /// <inheritdoc cref="SendAsync"/>
    public SendResult Send(string? sessionId, PreparedSend send, string? idempotencyKey = null)
    {
        if (_writer is not null) return Acknowledge.Wait(SendAsync(sessionId, send, idempotencyKey));
        var result = Stage(sessionId, send, idempotencyKey, out var ticket);
        if (!ticket.IsNone) Acknowledge.Wait(_store.WaitDurableAsync(ticket));
        return result;
    }

    /// <summary>
    /// Sends (reference §1.9): session check, address resolution, text rules, then append and wake; completes once the
    /// store holds the message durably (at once in memory). With an <paramref name="idempotencyKey"/> already seen from
    /// this sender within its lifetime, returns the first result and stores nothing; the same key with a different
    /// message is refused (<see cref="HubErrors.IdempotencyKeyReusedError"/>).
    /// </summary>
    public ValueTask<SendResult> SendAsync(string? sessionId, PreparedSend send, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        if (_writer is not null) return SendSharedAsync(sessionId, send, idempotencyKey);
        var result = Stage(sessionId, send, idempotencyKey, out var ticket);
        return Acknowledge.After(_store, result, ticket, cancellationToken);
    }

    // In a shared store the wake waits for the commit: a listener must never hold a message other hubs cannot see yet.
    private async ValueTask<SendResult> SendSharedAsync(string? sessionId, PreparedSend send, string? idempotencyKey)
    {
        var (result, recipient) = await _writer!.RunAsync(() =>
        {
            var r = StageLocked(sessionId, send, idempotencyKey, out var to, out _);
            return (r, to);
        }).ConfigureAwait(false);
        if (!result.Replayed) AfterAppend(result.Message, recipient);
        return result;
    }

    // Everything of a send but the wait: under the lock, stages the append (and the key) and returns what to wait for.
    private SendResult Stage(string? sessionId, PreparedSend send, string? idempotencyKey, out StoreTicket ticket)
    {
        var result = StageLocked(sessionId, send, idempotencyKey, out var recipient, out ticket);
        if (!result.Replayed) AfterAppend(result.Message, recipient);
        return result;
    }

    private void AfterAppend(ChannelMessage message, CallsignState? recipient)
    {
        // Pairs with the interlocked exchange in ParkAsync: the tail is published before we look for parked listens.
        Interlocked.MemoryBarrier();
        Wake(message, recipient);
        // Stored messages only: a status signal is ephemeral. One volatile read when nothing listens.
        if (message.Kind == MessageKind.Message) _appended?.Invoke(message);
    }

    private SendResult StageLocked(string? sessionId, PreparedSend send, string? idempotencyKey, out CallsignState? recipient, out StoreTicket ticket)
    {
        if (idempotencyKey is not null && !IsAcceptableIdempotencyKey(idempotencyKey))
        {
            throw new HubException(HubErrors.IdempotencyKeyInvalid(_options.MaxIdempotencyKeyLength));
        }
        var fingerprint = idempotencyKey is null ? 0 : SendFingerprint.Of(send);
        var session = EnsureJoined(sessionId);
        ChannelMessage message;
        SendResult result;
        recipient = null;
        lock (_gate)
        {
            // Re-check under the lock: a leave may have raced the lock-free lookup.
            session = EnsureJoined(sessionId);
            var now = Now;
            var from = session.Callsign.Name;
            if (idempotencyKey is not null && _idempotency.TryGet(from, idempotencyKey, now, out var first))
            {
                if (first.Fingerprint != fingerprint || !SendFingerprint.SameText(first.Result.Message, send))
                {
                    throw new HubException(HubErrors.IdempotencyKeyReusedError);
                }
                Touch(session);
                ticket = first.Ticket;
                return first.Result with { Replayed = true };
            }

            var to = ResolveAddress(send.To);
            if (to != Callsigns.All && !_callsigns.TryGetValue(to, out recipient))
            {
                throw new HubException(HubErrors.UnknownRecipient((send.To ?? "").Trim(), DescribeRoster()));
            }
            _validator.Text(send.Kind, send.Text, send.Attachments is not null);

            Touch(session);
            var isStatus = send.Kind == MessageKind.Status;
            var draft = new MessageDraft(from, recipient?.Name ?? Callsigns.All, send.Text, now, send.Kind, send.Priority,
                isStatus ? null : send.SuggestedReplies, isStatus ? null : send.Attachments);
            if (isStatus)
            {
                // Statuses are never stored; they take an id from the same sequence so they sort among messages.
                message = new ChannelMessage(_store.MintId(now), draft.From, draft.To, draft.Text, now, draft.Kind, draft.Priority, null, null);
                ticket = StoreTicket.None;
                QueueStatus(message, recipient);
                _batchStatuses?.Add(message);
            }
            else
            {
                var staged = _store.Append(draft);
                message = staged.Message;
                ticket = staged.Ticket;
                if (staged.Evicted is { } evicted) AccountEviction(evicted);
            }

            result = new SendResult(message, !isStatus && recipient is not null && !recipient.IsOnline);
            if (idempotencyKey is not null)
            {
                var expiresAt = now + (long)_options.IdempotencyKeyLifetime.TotalMilliseconds;
                var record = new IdempotencyRecord(from, idempotencyKey, fingerprint, message.Id, result.Queued, expiresAt);
                ticket = StoreTicket.Latest(ticket, _store.PutIdempotencyKey(record));
                _idempotency.Add(from, idempotencyKey, new IdempotencyCache.Entry(result, fingerprint, ticket, expiresAt));
                _batchKeys?.Add(new RestoredIdempotencyKey(record, message));
            }
            _counters.Message();
        }
        return result;
    }

    // Outside the lock: a parked listen reads the ring itself, so the wake carries nothing and allocates nothing.
    private void Wake(ChannelMessage message, CallsignState? recipient)
    {
        if (recipient is not null)
        {
            if (recipient.Name != message.From) Volatile.Read(ref recipient.Parked)?.TrySignal(WakeReason.Signalled);
            return;
        }
        foreach (var cs in Volatile.Read(ref _allCallsigns))
        {
            if (cs.Name != message.From) Volatile.Read(ref cs.Parked)?.TrySignal(WakeReason.Signalled);
        }
    }

    // Caller holds _gate. Status signals go only to callsigns parked right now (reference §1.8), or with a stream open.
    private void QueueStatus(ChannelMessage status, CallsignState? recipient)
    {
        if (recipient is not null)
        {
            QueueStatusFor(recipient, status);
            return;
        }
        foreach (var cs in _allCallsigns) QueueStatusFor(cs, status);
    }

    private void QueueStatusFor(CallsignState cs, ChannelMessage status)
    {
        if (!status.IsFor(cs.Name) || (Volatile.Read(ref cs.Parked) is null && cs.Streams == 0)) return;
        var inbox = cs.StatusInbox ??= new Queue<ChannelMessage>();
        if (inbox.Count >= _options.StatusInboxCapacity) inbox.Dequeue();
        inbox.Enqueue(status);
    }

    // Caller holds _gate. A message left the ring: whoever could still have received it and had not has a gap.
    private void AccountEviction(ChannelMessage evicted)
    {
        if (!evicted.IsBroadcast)
        {
            if (_callsigns.TryGetValue(evicted.To, out var cs)) AccountEvictionFor(cs, evicted);
            return;
        }
        foreach (var cs in _allCallsigns) AccountEvictionFor(cs, evicted);
    }

    private static void AccountEvictionFor(CallsignState cs, ChannelMessage evicted)
    {
        if (!evicted.IsFor(cs.Name) || evicted.Id <= cs.HighWater) return;
        if (cs.LeaseActive && evicted.Id > cs.LeaseFrom && evicted.Id <= cs.LeaseCursor)
        {
            cs.EvictedDuringLease++;
            return;
        }
        cs.Missed++;
        // A parked listen must learn about the gap now, not at its timeout.
        Volatile.Read(ref cs.Parked)?.TrySignal(WakeReason.Signalled);
    }

    // Caller holds _gate. Reference §1.9 step 2.
    private string ResolveAddress(string? raw)
    {
        var to = (raw ?? "").Trim().ToLowerInvariant();
        if (to.Length == 0 || to == Callsigns.All) return Callsigns.All;
        var digits = to.StartsWith('#') ? to.AsSpan(1) : to.AsSpan();
        if (digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9')
            && int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n >= 1 && n <= _joinOrder.Count)
        {
            return _joinOrder[n - 1].Name;
        }
        return to;
    }

    private string DescribeRoster()
    {
        if (_joinOrder.Count == 0) return "empty";
        var parts = new string[_joinOrder.Count];
        for (var i = 0; i < parts.Length; i++) parts[i] = $"#{i + 1} {_joinOrder[i].Name}";
        return string.Join(", ", parts);
    }

    private bool IsAcceptableIdempotencyKey(string key)
    {
        if (key.Length == 0 || key.Length > _options.MaxIdempotencyKeyLength) return false;
        foreach (var c in key)
        {
            if (c is < '!' or > '~') return false;
        }
        return true;
    }
}
