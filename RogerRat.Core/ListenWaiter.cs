using System.Threading.Tasks.Sources;

namespace RogerRat.Core;

/// <summary>Why a parked listen woke.</summary>
internal enum WakeReason : byte
{
    /// <summary>Something for this callsign may be pending: read the ring.</summary>
    Signalled,
    TimedOut,
    /// <summary>The transport's token fired (client gone, server stopping).</summary>
    Cancelled,
    /// <summary>The same session started another listen; this one consumes nothing.</summary>
    Superseded,
    /// <summary>The session left, was evicted or renamed.</summary>
    Evicted,
}

/// <summary>
/// A pooled, reusable awaitable for one parked listen. Design:
/// <list type="bullet">
/// <item>Whoever wins the <c>_completed</c> exchange (a sender, the timer, the token, a superseding listen, an eviction)
/// sets the result; every other attempt is a no-op. The wake carries no data, so waking allocates nothing.</item>
/// <item>Continuations run asynchronously, so no listener code ever runs inside a send.</item>
/// <item>The timer is created once per waiter and re-armed per use. A late tick from a previous use can only wake a
/// listen early; the listen then re-reads the ring, so it never loses or hides a message.</item>
/// <item>Owned by exactly one listen between <see cref="Arm"/> and its <c>GetResult</c>, which reads the ring for the
/// woken listen and returns the waiter to its pool: a parked listen needs no async state machine, so parking and
/// waking allocate nothing but the delivery's own array.</item>
/// </list>
/// </summary>
internal sealed class ListenWaiter : IValueTaskSource<Delivery>, IDisposable
{
    private static readonly TimerCallback s_onTimer = static s => ((ListenWaiter)s!).TrySignal(WakeReason.TimedOut);
    private static readonly Action<object?> s_onCancel = static s => ((ListenWaiter)s!).TrySignal(WakeReason.Cancelled);

    private readonly TimeProvider _time;
    private ManualResetValueTaskSourceCore<WakeReason> _core = new() { RunContinuationsAsynchronously = true };
    private ITimer? _timer;
    private CancellationTokenRegistration _cancellation;
    private int _completed;
    private Channel? _channel;
    private Session? _session;
    private CallsignState? _callsign;
    private long? _since;
    private bool _behindLease;
    private Microsoft.Extensions.ObjectPool.ObjectPool<ListenWaiter>? _pool;

    public ListenWaiter(TimeProvider time) => _time = time;

    public void Arm(Channel channel, Session session, CallsignState callsign, long? since, Microsoft.Extensions.ObjectPool.ObjectPool<ListenWaiter> pool,
        TimeSpan timeout, CancellationToken cancellationToken, bool behindLease)
    {
        _behindLease = behindLease;
        _channel = channel;
        _session = session;
        _callsign = callsign;
        _since = since;
        _pool = pool;
        Volatile.Write(ref _completed, 0);
        _timer ??= _time.CreateTimer(s_onTimer, this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(s_onCancel, this);
        }
    }

    public bool TrySignal(WakeReason reason)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0) return false;
        _core.SetResult(reason);
        return true;
    }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Waiting for the callsign's in-flight delivery to be committed or abandoned (see Channel.ListenBehindLeaseAsync).</summary>
    public bool BehindLease => _behindLease;

    public ValueTask<Delivery> WaitAsync() => new(this, _core.Version);

    // Disarms and readies for the next use; only after the result was consumed.
    private void Reset()
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _cancellation.Dispose();
        _cancellation = default;
        _channel = null;
        _session = null;
        _callsign = null;
        _core.Reset();
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _cancellation.Dispose();
    }

    Delivery IValueTaskSource<Delivery>.GetResult(short token)
    {
        var reason = _core.GetResult(token);
        var (channel, session, callsign, since, pool, behindLease) = (_channel!, _session!, _callsign!, _since, _pool!, _behindLease);
        Interlocked.CompareExchange(ref callsign.Parked, null, this);
        Reset();
        pool.Return(this);
        return channel.CompleteWake(session, callsign, since, reason, behindLease);
    }

    ValueTaskSourceStatus IValueTaskSource<Delivery>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<Delivery>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
}
