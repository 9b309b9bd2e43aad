namespace RogerRat.Core;

/// <summary>One online session. <see cref="Callsign"/> changes only under the channel lock; <see cref="LastSeen"/> is
/// refreshed lock-free by every activity.</summary>
internal sealed class Session(string id, CallsignState callsign, long now)
{
    public string Id { get; } = id;
    public CallsignState Callsign = callsign;
    private long _lastSeen = now;

    public long LastSeen => Volatile.Read(ref _lastSeen);

    public void Touch(long now) => Volatile.Write(ref _lastSeen, now);

    /// <summary>The state last written to or read from a shared store.</summary>
    public Storage.Shared.SessionImage Committed;
}
