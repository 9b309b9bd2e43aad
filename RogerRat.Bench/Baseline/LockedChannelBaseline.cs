using RogerRat.Core;

namespace RogerRat.Bench.Baseline;

/// <summary>
/// A deliberately simple channel: one lock over a message list, a cursor per callsign and one
/// <see cref="TaskCompletionSource"/> per parked listener, completed under the lock by every send. It is the
/// "one lock per channel" design the reference suggests for a port (§15), kept as the baseline the real engine's wake
/// path must beat (WakeBenchmarks).
/// </summary>
public sealed class LockedChannelBaseline(int capacity = 100)
{
    private readonly Lock _lock = new();
    private readonly List<(long Id, string From, string To, string Text)> _messages = [];
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<bool>> _parked = new(StringComparer.Ordinal);
    private long _lastId;

    public void Join(string callsign)
    {
        lock (_lock) _cursors.TryAdd(callsign, 0);
    }

    public long Send(string from, string to, string text)
    {
        lock (_lock)
        {
            var id = ++_lastId;
            _messages.Add((id, from, to, text));
            if (_messages.Count > capacity) _messages.RemoveAt(0);
            foreach (var (callsign, waiter) in _parked)
            {
                if (callsign != from && (to == Callsigns.All || to == callsign)) waiter.TrySetResult(true);
            }
            return id;
        }
    }

    public async Task<List<(long Id, string From, string To, string Text)>> ListenAsync(string callsign, TimeSpan timeout)
    {
        TaskCompletionSource<bool> waiter;
        lock (_lock)
        {
            var pending = TakeLocked(callsign);
            if (pending.Count > 0) return pending;
            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _parked[callsign] = waiter;
        }
        await Task.WhenAny(waiter.Task, Task.Delay(timeout)).ConfigureAwait(false);
        lock (_lock)
        {
            if (_parked.TryGetValue(callsign, out var current) && current == waiter) _parked.Remove(callsign);
            return TakeLocked(callsign);
        }
    }

    private List<(long, string, string, string)> TakeLocked(string callsign)
    {
        var cursor = _cursors[callsign];
        var result = new List<(long, string, string, string)>();
        foreach (var m in _messages)
        {
            if (m.Id > cursor && m.From != callsign && (m.To == Callsigns.All || m.To == callsign)) result.Add(m);
        }
        if (result.Count > 0) _cursors[callsign] = result[^1].Item1;
        return result;
    }
}
