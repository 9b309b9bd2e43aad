using System.Text;
using RogerRat.Http.Server;

namespace RogerRat.Mcp;

/// <summary>
/// One POST answered as <c>text/event-stream</c>: a priming event, then one <c>message</c> event per JSON-RPC
/// message. A call's progress, logs and requests to the client may be sent from other tasks while it runs, so sends
/// are serialized by a gate; whether every write reached the client is remembered for the result's commit hook.
/// </summary>
internal sealed class SseStream(HttpResponse response, string sessionId) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _eventId; // guarded by _gate
    private bool _delivered = true; // guarded by _gate after StartAsync

    public async ValueTask StartAsync()
    {
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.AddHeader("Cache-Control", "no-cache");
        response.AddHeader("Mcp-Session-Id", sessionId);
        _delivered = await response.StartStreamAsync().ConfigureAwait(false);
        // Priming event (2025-11-25): an event id with empty data, so a client can resume.
        _delivered &= await response.WriteStreamAsync(Encoding.UTF8.GetBytes($"id: {sessionId}-0\nretry: 1000\ndata: \n\n")).ConfigureAwait(false);
    }

    public async ValueTask SendAsync(byte[] json)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // One data line is enough: the JSON writer escapes every newline inside strings.
            var head = Encoding.UTF8.GetBytes($"id: {sessionId}-{++_eventId}\nevent: message\ndata: ");
            var frame = new byte[head.Length + json.Length + 2];
            head.CopyTo(frame, 0);
            json.CopyTo(frame, head.Length);
            frame[^2] = (byte)'\n';
            frame[^1] = (byte)'\n';
            _delivered &= await response.WriteStreamAsync(frame).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Ends the stream; true when every event reached the client.</summary>
    public async ValueTask<bool> EndAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return _delivered &= await response.EndStreamAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
