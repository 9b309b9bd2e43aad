using System.IO.Pipelines;
using System.Net.Sockets;

namespace RogerRat.Http.Server;

/// <summary>
/// The read side of a connection: one loop per socket receives into a bounded <see cref="Pipe"/>, like Kestrel's
/// SocketConnection. The HTTP loop reads the pipe; because the socket read never has to be cancelled, waiting for
/// "next request or client gone" while a handler is parked costs no exception and no allocation (a cancelled pending
/// read on a pipe is a flag). A client that closes or resets completes the pipe, which the HTTP loop sees as EOF.
/// </summary>
internal sealed class SocketReceiver
{
    // Smallest buffer handed to a receive; the pipe rents segments of at least this size from the shared array pool.
    private const int MinimumReceiveSize = 4096;

    private readonly Socket _socket;
    private readonly Pipe _pipe;

    /// <param name="socket">The connected client socket; the loop only receives on it.</param>
    /// <param name="maxBuffered">Unconsumed bytes the pipe holds before the loop stops receiving (back-pressure): a
    /// client that pipelines while a handler is parked, or sends a body faster than it is decoded, waits in TCP. While
    /// the loop is paused it cannot see a close either, so a parked handler whose client queued more than this and then
    /// left runs to its own timeout (Kestrel behaves the same).</param>
    public SocketReceiver(Socket socket, long maxBuffered)
    {
        _socket = socket;
        _pipe = new Pipe(new PipeOptions(
            pauseWriterThreshold: maxBuffered,
            resumeWriterThreshold: maxBuffered / 2,
            minimumSegmentSize: MinimumReceiveSize,
            useSynchronizationContext: false));
    }

    public PipeReader Input => _pipe.Reader;

    public async Task ReceiveAsync()
    {
        var writer = _pipe.Writer;
        try
        {
            while (true)
            {
                // Wait for data with a zero-byte receive first (as Kestrel does): an idle or parked connection then
                // holds no buffer, which matters when thousands of long-polls sit waiting.
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
                var received = await _socket.ReceiveAsync(writer.GetMemory(MinimumReceiveSize), SocketFlags.None).ConfigureAwait(false);
                if (received == 0) break;
                writer.Advance(received);
                var flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled) break;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // A reset or our own close: to the HTTP loop both read as the end of input.
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }
}
