namespace RogerRat.Tests.Core;

/// <summary>
/// An obviously-correct, single-threaded model of one channel (reference §1 with PROTOCOL §1), for the model-based
/// property. It keeps every structure as plain lists and recomputes instead of caching. Session ids are whatever the
/// engine minted; the model predicts whether an answer reuses an existing one.
/// </summary>
internal sealed class ChannelModel(int ringCapacity, long ttlMs, long tombstoneLifetimeMs)
{
    public sealed record Msg(long Id, string From, string To, bool Status)
    {
        public bool IsFor(string cs) => From != cs && (To == "all" || To == cs);
    }

    public sealed class Cs(string name)
    {
        public string Name { get; } = name;
        public long Cursor;
        public long HighWater;
        public long Missed;
        public string? Holder;
        public List<Msg> Inbox { get; } = [];
    }

    /// <summary>What a listen answers: the ids, the cursor, the gap.</summary>
    public sealed record Take(string Cs, long[] Ids, long Cursor, long Missed, long? OldestAvailableId)
    {
        public bool IsEmpty => Ids.Length == 0 && Missed == 0;
        public override string ToString() => $"[{string.Join(",", Ids)}] cursor={Cursor} missed={Missed} oldest={OldestAvailableId}";
    }

    /// <summary>A parked listen that must now answer: empty, or with <see cref="Take"/>.</summary>
    public sealed record Wake(string SessionId, Take? Delivery);

    public readonly List<Msg> Ring = [];
    public readonly Dictionary<string, Cs> Callsigns = [];
    public readonly List<string> JoinOrder = [];
    public readonly Dictionary<string, (string Cs, long LastSeen)> Sessions = [];
    public readonly Dictionary<string, long> Tombstones = [];
    public readonly Dictionary<string, (string SessionId, long Deadline)> Parked = [];
    public readonly List<long> SeenIds = [];
    public long Now;
    private long _lastId;

    public const long ParkTimeoutMs = 600_000;

    /// <summary>(status, code) of the error an op on this session gets, or null when joined.</summary>
    public (int, string)? SessionError(string sid) =>
        Sessions.ContainsKey(sid) ? null : Tombstones.ContainsKey(sid) ? (410, "session_expired") : (400, "not_joined");

    public sealed record JoinOutcome((int, string)? Error, bool Idempotent, string? ExistingSessionId);

    public JoinOutcome PredictJoin(string name, string? clientSid)
    {
        if (Callsigns.TryGetValue(name, out var cs) && cs.Holder is { } holder)
        {
            return clientSid is null || clientSid == holder ? new(null, true, holder) : new((409, "callsign_taken"), false, null);
        }
        return new(null, false, clientSid);
    }

    public void ApplyJoin(string name, string sid, bool idempotent, List<Wake> wakes)
    {
        if (idempotent)
        {
            Touch(sid);
            return;
        }
        if (!Callsigns.TryGetValue(name, out var cs)) Callsigns[name] = cs = new Cs(name);
        if (Sessions.TryGetValue(sid, out var existing)) Release(Callsigns[existing.Cs], wakes); // rename
        Sessions[sid] = (name, Now);
        Tombstones.Remove(sid);
        cs.Holder = sid;
        JoinOrder.Add(name);
    }

    public bool Leave(string sid, List<Wake> wakes)
    {
        if (!Sessions.TryGetValue(sid, out var s)) return false;
        Evict(sid, s.Cs, wakes);
        return true;
    }

    public sealed record SendOutcome((int, string)? Error, long Id, bool Queued);

    public SendOutcome Send(string sid, string rawTo, bool status, List<Wake> wakes)
    {
        if (SessionError(sid) is { } err) return new(err, 0, false);
        var from = Sessions[sid].Cs;
        var to = Resolve(rawTo);
        if (to != "all" && !Callsigns.ContainsKey(to)) return new((400, "invalid"), 0, false);
        Touch(sid);
        var id = Math.Max(Now, _lastId + 1);
        _lastId = id;
        var m = new Msg(id, from, to, status);
        SeenIds.Add(id);
        if (status)
        {
            foreach (var cs in Callsigns.Values)
            {
                if (m.IsFor(cs.Name) && Parked.ContainsKey(cs.Name)) cs.Inbox.Add(m);
            }
        }
        else
        {
            Ring.Add(m);
            if (Ring.Count > ringCapacity)
            {
                var evicted = Ring[0];
                Ring.RemoveAt(0);
                foreach (var cs in Callsigns.Values)
                {
                    if (evicted.IsFor(cs.Name) && evicted.Id > cs.HighWater) cs.Missed++;
                }
            }
        }
        WakePending(wakes);
        var queued = !status && to != "all" && Callsigns[to].Holder is null;
        return new(null, id, queued);
    }

    /// <summary>A listen's first half: session check, touch, supersede, take. Returns null when it would park.</summary>
    public (int, string)? BeginListen(string sid, long? since, bool parks, List<Wake> wakes, out Take? take)
    {
        take = null;
        if (SessionError(sid) is { } err) return err;
        Touch(sid);
        var cs = Callsigns[Sessions[sid].Cs];
        if (Parked.Remove(cs.Name, out var old)) wakes.Add(new Wake(old.SessionId, null)); // superseded
        take = TakeFor(cs, since);
        if (take.IsEmpty && parks)
        {
            Parked[cs.Name] = (sid, Now + ParkTimeoutMs);
            take = null;
        }
        return null;
    }

    public void Commit(Take take)
    {
        var cs = Callsigns[take.Cs];
        if (take.Ids.Length > 0)
        {
            cs.Cursor = take.Cursor;
            cs.HighWater = Math.Max(cs.HighWater, take.Cursor);
        }
        cs.Missed -= take.Missed;
    }

    public void Disconnect(string cs, List<Wake> wakes)
    {
        if (Parked.Remove(cs, out var p)) wakes.Add(new Wake(p.SessionId, null));
    }

    public void Advance(long ms, List<Wake> wakes)
    {
        Now += ms;
        foreach (var (name, p) in Parked.ToArray())
        {
            if (p.Deadline > Now) continue;
            Parked.Remove(name);
            Touch(p.SessionId);
            var take = TakeFor(Callsigns[name], null);
            wakes.Add(new Wake(p.SessionId, take.IsEmpty ? null : take));
        }
    }

    public int Gc(List<Wake> wakes)
    {
        var evicted = 0;
        foreach (var (sid, s) in Sessions.ToArray())
        {
            if (Now - s.LastSeen > ttlMs && !Parked.ContainsKey(s.Cs))
            {
                Evict(sid, s.Cs, wakes);
                evicted++;
            }
        }
        foreach (var (sid, at) in Tombstones.ToArray())
        {
            if (at < Now - tombstoneLifetimeMs) Tombstones.Remove(sid);
        }
        return evicted;
    }

    public string[] Roster() => [.. JoinOrder.Order(StringComparer.Ordinal)];

    // Every parked listen with something pending answers now, with everything pending.
    private void WakePending(List<Wake> wakes)
    {
        foreach (var (name, p) in Parked.ToArray())
        {
            var take = TakeFor(Callsigns[name], null);
            if (take.IsEmpty) continue;
            Parked.Remove(name);
            Touch(p.SessionId);
            wakes.Add(new Wake(p.SessionId, take));
        }
    }

    private Take TakeFor(Cs cs, long? since)
    {
        var cursor = since ?? cs.Cursor;
        var batch = Ring.Where(m => m.Id > cursor && m.IsFor(cs.Name)).ToList();
        batch.AddRange(cs.Inbox.Where(m => m.Id > cursor));
        cs.Inbox.Clear();
        batch.Sort((a, b) => a.Id.CompareTo(b.Id));
        var ids = batch.Select(m => m.Id).ToArray();
        return new Take(cs.Name, ids, ids.Length > 0 ? ids[^1] : cursor, cs.Missed, cs.Missed > 0 && Ring.Count > 0 ? Ring[0].Id : null);
    }

    private string Resolve(string raw)
    {
        var to = raw.Trim().ToLowerInvariant();
        if (to.Length == 0 || to == "all") return "all";
        var digits = to.StartsWith('#') ? to[1..] : to;
        if (digits.Length > 0 && digits.All(char.IsAsciiDigit) && int.TryParse(digits, out var n) && n >= 1 && n <= JoinOrder.Count)
        {
            return JoinOrder[n - 1];
        }
        return to;
    }

    private void Touch(string sid)
    {
        if (Sessions.TryGetValue(sid, out var s)) Sessions[sid] = (s.Cs, Now);
    }

    private void Evict(string sid, string csName, List<Wake> wakes)
    {
        Sessions.Remove(sid);
        Release(Callsigns[csName], wakes);
        Tombstones[sid] = Now;
    }

    private void Release(Cs cs, List<Wake> wakes)
    {
        cs.Holder = null;
        JoinOrder.Remove(cs.Name);
        if (Parked.Remove(cs.Name, out var p)) wakes.Add(new Wake(p.SessionId, null));
    }
}
