using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace RogerRat.Http.Server;

/// <summary>
/// Closes a connection whose client stops taking its responses (Kestrel's MinResponseDataRate rule): a flush that does
/// not finish within the larger of <see cref="HttpServerLimits.MinResponseDataRateGracePeriod"/> and its bytes divided
/// by <see cref="HttpServerLimits.MinResponseDataRate"/> closes the socket, so the pending send fails and the writer
/// reports the response as not delivered. Without it a client that never reads would hold its connection, and the
/// handler writing to it, for as long as it likes. A flush that completes at once (the usual case: the socket's buffer
/// had room) arms nothing.
/// </summary>
internal sealed class SendWatchdog(Socket socket, HttpServerLimits limits, ILogger logger, IPEndPoint? remote) : IDisposable
{
    private CancellationTokenSource? _deadline;

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FlushResult> FlushAsync(PipeWriter writer, CancellationToken cancellationToken)
    {
        var bytes = writer.CanGetUnflushedBytes ? writer.UnflushedBytes : 0;
        var pending = writer.FlushAsync(cancellationToken);
        if (pending.IsCompleted || limits.MinResponseDataRate <= 0) return await pending.ConfigureAwait(false);
        var deadline = Arm(bytes);
        try
        {
            return await pending.ConfigureAwait(false);
        }
        finally
        {
            Disarm(deadline);
        }
    }

    private CancellationTokenSource Arm(long bytes)
    {
        var deadline = _deadline;
        if (deadline is null)
        {
            deadline = _deadline = new CancellationTokenSource();
            deadline.Token.UnsafeRegister(static s => ((SendWatchdog)s!).Abort(), this);
        }
        deadline.CancelAfter(TimeSpan.FromSeconds(DataRate.Deadline(limits.MinResponseDataRateGracePeriod, bytes, limits.MinResponseDataRate)));
        return deadline;
    }

    private static void Disarm(CancellationTokenSource deadline)
    {
        // A deadline that fired has closed the connection; it is never armed again.
        if (!deadline.IsCancellationRequested) deadline.CancelAfter(Timeout.InfiniteTimeSpan);
    }

    private void Abort()
    {
        logger.LogDebug("closing the connection from {Remote}: it stopped taking its response (slower than {Rate} B/s)",
            remote, limits.MinResponseDataRate);
        socket.Close();
    }

    public void Dispose() => _deadline?.Dispose();
}
