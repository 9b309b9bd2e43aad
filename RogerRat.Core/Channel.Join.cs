using RogerRat.Core.Storage;

namespace RogerRat.Core;

/// <summary>A join as it arrives from a face.</summary>
public sealed class JoinRequest
{
    /// <summary>Raw callsign; may be null on a <c>require_identity</c> channel when <see cref="IdentityKey"/> names it.</summary>
    public string? Callsign { get; init; }

    /// <summary>A client-chosen session id (REST <c>X-Session-Id</c>, MCP session); used from 8 chars on.</summary>
    public string? SessionId { get; init; }

    /// <summary>The identity key of a <c>require_identity</c> channel.</summary>
    public string? IdentityKey { get; init; }
}

/// <summary>The outcome of a join (reference §1.5 step 7).</summary>
public sealed record JoinResult(string SessionId, string Callsign, bool Idempotent, string[] Roster, ChannelMessage[] History,
    string? IdentityKey);

public sealed partial class Channel
{
    /// <summary>
    /// Joins (reference §1.5): idempotent for the same session, adoption of the live session when the caller brought no
    /// session id of its own, 409 when it did, rename when the session held another callsign.
    /// </summary>
    public JoinResult Join(JoinRequest request) => Acknowledge.Wait(JoinAsync(request));

    /// <summary><see cref="Join"/>, completing once the store holds the session (and a new callsign or identity key) durably.</summary>
    public ValueTask<JoinResult> JoinAsync(JoinRequest request, CancellationToken cancellationToken = default)
    {
        if (_writer is not null) return new ValueTask<JoinResult>(_writer.RunAsync(() => JoinLocked(request, out _)));
        var result = JoinLocked(request, out var ticket);
        return Acknowledge.After(_store, result, ticket, cancellationToken);
    }

    // The whole join under the lock; the ticket is what the acknowledgement waits for.
    private JoinResult JoinLocked(JoinRequest request, out StoreTicket ticket)
    {
        var clientSessionId = request.SessionId;
        if (clientSessionId is not null && clientSessionId.Length < _options.MinClientSessionIdLength) clientSessionId = null;
        if (clientSessionId is not null && !IsAcceptableSessionId(clientSessionId)) throw new HubException(HubErrors.SessionIdInvalid);
        var selfGenerated = clientSessionId is null;
        ticket = StoreTicket.None;

        lock (_gate)
        {
            var now = Now;
            var name = ResolveJoinCallsign(request);
            _callsigns.TryGetValue(name, out var cs);

            string? mintedKey = null;
            if (Settings.RequireIdentity)
            {
                if (cs?.IdentityKeyHash is { } keyHash)
                {
                    if (!Secrets.TokenMatches(keyHash, request.IdentityKey)) throw new HubException(HubErrors.IdentityKeyRequired(name));
                }
                else
                {
                    mintedKey = Secrets.NewToken(_random, 32);
                }
            }

            if (cs?.Holder is { } holder)
            {
                if (clientSessionId == holder.Id || selfGenerated)
                {
                    // Same session (idempotent) or adoption: hand back the live session, change nothing else.
                    Touch(holder);
                    return new JoinResult(holder.Id, name, true, Roster(), JoinHistory(), null);
                }
                throw new HubException(HubErrors.CallsignInUse(name));
            }

            var sessionId = clientSessionId ?? _random.NewUuid();
            _sessions.TryGetValue(sessionId, out var session);
            if (session is null && _sessions.Count >= _options.MaxSessionsPerChannel) throw new HubException(HubErrors.TooManySessions);
            var isNewCallsign = cs is null;
            if (cs is null)
            {
                if (_callsigns.Count >= _options.MaxCallsignsPerChannel) throw new HubException(HubErrors.TooManyCallsigns);
                cs = new CallsignState(name);
                _callsigns.Add(name, cs);
                _allCallsigns = [.. _allCallsigns, cs];
            }

            if (session is not null)
            {
                Release(session.Callsign); // rename: the old callsign goes offline, keeps its cursor
                session.Callsign = cs;
            }
            else
            {
                session = new Session(sessionId, cs, now);
                _sessions[sessionId] = session;
            }

            if (mintedKey is not null) cs.IdentityKeyHash = Secrets.HashToken(mintedKey);
            if (isNewCallsign || mintedKey is not null) ticket = _store.PutCallsign(new CallsignRecord(name, cs.IdentityKeyHash));
            ticket = StoreTicket.Latest(ticket, _store.PutSession(new SessionRecord(sessionId, name, now)));
            cs.Holder = session;
            cs.JoinedAt = now;
            cs.JoinSeq = ++_joinSeq;
            _joinOrder.Add(cs);
            _tombstones.TryRemove(sessionId, out _);
            Touch(session);
            if (_firstJoinedAt == 0) Volatile.Write(ref _firstJoinedAt, now);
            _counters.Join();
            AssertInvariants();
            return new JoinResult(sessionId, name, false, Roster(), JoinHistory(), mintedKey);
        }
    }

    /// <summary>Leaves (reference §2.16): always succeeds; a joined session goes offline and leaves a tombstone.</summary>
    /// <returns>True when the session was joined.</returns>
    public bool Leave(string? sessionId) => Acknowledge.Wait(LeaveAsync(sessionId));

    /// <summary><see cref="Leave"/>, completing once the store has forgotten the session durably.</summary>
    public ValueTask<bool> LeaveAsync(string? sessionId, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(sessionId)) throw new HubException(HubErrors.SessionHeaderRequiredFromJoin);
        if (_writer is not null) return new ValueTask<bool>(_writer.RunAsync(() => LeaveLocked(sessionId, out _)));
        var left = LeaveLocked(sessionId, out var ticket);
        return Acknowledge.After(_store, left, ticket, cancellationToken);
    }

    private bool LeaveLocked(string sessionId, out StoreTicket ticket)
    {
        ticket = StoreTicket.None;
        lock (_gate)
        {
            if (!_sessions.TryGetValue(sessionId, out var session)) return false;
            ticket = Evict(session, Now);
            Volatile.Write(ref _lastActivityAt, Now);
            AssertInvariants();
            return true;
        }
    }

    // Caller holds _gate.
    private string ResolveJoinCallsign(JoinRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Callsign) && Settings.RequireIdentity && !string.IsNullOrEmpty(request.IdentityKey))
        {
            // listen-here's auto-join sends only the key: find the callsign it was minted for.
            foreach (var cs in _callsigns.Values)
            {
                if (cs.IdentityKeyHash is { } hash && Secrets.TokenMatches(hash, request.IdentityKey)) return cs.Name;
            }
            throw new HubException(HubErrors.IdentityKeyUnknown);
        }
        return Callsigns.Normalize(request.Callsign);
    }

    private bool IsAcceptableSessionId(string id)
    {
        if (id.Length > _options.MaxClientSessionIdLength) return false;
        foreach (var c in id)
        {
            if (c is < '!' or > '~') return false;
        }
        return true;
    }
}
