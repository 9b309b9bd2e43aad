using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace RogerRat.Host.ListenHere;

/// <summary>
/// <c>rogerrat listen-here</c>: join, long-poll <c>GET /listen?timeout=60</c>, write each message once. The hub keeps
/// the callsign's cursor; on top of it the state file's last id is passed as <c>since</c> (a cut that lost an answer
/// in flight gets it again) and every id at or below it is skipped (nothing is written twice).
/// </summary>
internal sealed class ListenHereCommand
{
    private readonly ListenOptions _o;
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly Inbox _inbox;
    private readonly HttpClient _http;
    private string? _session;
    private string? _identityKey;
    private string? _callsign;

    private ListenHereCommand(ListenOptions o, TextWriter stdout, TextWriter stderr)
    {
        _o = o;
        _out = stdout;
        _err = stderr;
        _inbox = new Inbox(o);
        _session = o.Session;
        _identityKey = o.IdentityKey ?? _inbox.ReadIdentityKey();
        _callsign = o.Callsign;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            Timeout = TimeSpan.FromSeconds(75),
        };
    }

    /// <summary>The subcommand; <paramref name="ct"/> stops it with exit 0.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var (o, error) = ListenOptions.Parse(args, Environment.GetEnvironmentVariable);
        if (error is not null)
        {
            await stderr.WriteLineAsync($"rogerrat listen-here: {error}\n\n{ListenOptions.Usage}");
            return 2;
        }
        if (o!.Help)
        {
            await stdout.WriteLineAsync(ListenOptions.Usage);
            return 0;
        }
        var command = new ListenHereCommand(o, stdout, stderr);
        try
        {
            return await command.LoopAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            command._http.Dispose();
        }
    }

    /// <summary>The process entry: SIGINT/SIGTERM stop the loop cleanly (exit 0).</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return await RunAsync(args, Console.Out, Console.Error, cts.Token);

        void Stop(PosixSignalContext c)
        {
            c.Cancel = true;
            cts.Cancel();
        }
    }

    private string ChannelUrl => $"{_o.Origin}/api/channels/{Uri.EscapeDataString(_o.Channel)}";

    private void Info(string text)
    {
        if (!_o.Quiet) _err.WriteLine($"rogerrat listen-here: {text}");
    }

    private async Task<int> LoopAsync(CancellationToken ct)
    {
        var backoff = new Backoff(_o.BackoffMs);
        var connected = false;
        using var heartbeat = _o.HeartbeatSeconds > 0 ? new PeriodicTimer(TimeSpan.FromSeconds(_o.HeartbeatSeconds)) : null;
        var beats = heartbeat is null ? Task.CompletedTask : Beat(heartbeat, ct);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var outcome = _session is null ? await JoinAsync(ct) : await ListenAsync(ct);
            switch (outcome)
            {
                case Outcome.Healthy:
                    if (!connected)
                    {
                        connected = true;
                        _inbox.Status($"● connected — listening on {_o.Channel} as session {Short(_session)}…");
                        Info($"listening on {_o.Channel} as session {Short(_session)}…");
                    }
                    backoff.Reset();
                    continue;
                case Outcome.Rejoin:
                    connected = false;
                    if (_callsign is null && _identityKey is null)
                    {
                        await _err.WriteLineAsync("rogerrat listen-here: the session ended and there is no --callsign or --identity-key to join again");
                        return 1;
                    }
                    _session = null;
                    continue;
                case Outcome.Fatal:
                    return 1;
                default:
                    connected = false;
                    var delay = backoff.Next();
                    Info($"reconnecting in {delay} ms");
                    await Task.Delay(delay, ct);
                    continue;
            }
        }
    }

    private async Task Beat(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(ct)) _inbox.Status($"♥ alive — session {Short(_session)}… (still listening)");
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Short(string? s) => s is null ? "?" : s.Length <= 8 ? s : s[..8];

    private enum Outcome { Healthy, Retry, Rejoin, Fatal }

    private HttpRequestMessage Request(HttpMethod method, string url)
    {
        var r = new HttpRequestMessage(method, url);
        r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _o.Token);
        if (_o.HubToken is not null) r.Headers.TryAddWithoutValidation("X-RogerRat-Token", _o.HubToken);
        if (_session is not null) r.Headers.TryAddWithoutValidation("X-Session-Id", _session);
        return r;
    }

    private async Task<Outcome> JoinAsync(CancellationToken ct)
    {
        var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            if (_callsign is not null) w.WriteString("callsign"u8, _callsign);
            if (_identityKey is not null) w.WriteString("identity_key"u8, _identityKey);
            if (_o.OwnerPassword is not null) w.WriteString("owner_password"u8, _o.OwnerPassword);
            w.WriteEndObject();
        }
        using var request = Request(HttpMethod.Post, $"{ChannelUrl}/join");
        request.Content = new ByteArrayContent(body.ToArray());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var (status, json, failure) = await SendAsync(request, ct);
        if (failure is not null) return failure.Value;
        using (json)
        {
            var root = json!.RootElement;
            if (status == HttpStatusCode.OK && Inbox.Str(root, "session_id") is { } sid)
            {
                _session = sid;
                _callsign = Inbox.Str(root, "callsign") ?? _callsign;
                if (Inbox.Str(root, "identity_key") is { } key)
                {
                    // The hub shows a callsign's key once: keep it for re-joins, and tell the operator.
                    _identityKey = key;
                    var kept = _inbox.SaveIdentityKey(key);
                    _err.WriteLine($"rogerrat listen-here: identity key for {_callsign}: {key} (later joins of this callsign need it{(kept is null ? "" : $"; kept in {kept}")})");
                }
                Info($"joined {_o.Channel} as {_callsign}");
                return Outcome.Healthy;
            }
            return Refused("join", status, root);
        }
    }

    private Outcome Refused(string what, HttpStatusCode status, JsonElement root)
    {
        var code = (int)status;
        if (code is 408 or 429 || code >= 500) return Outcome.Retry;
        _err.WriteLine($"rogerrat listen-here: {what} refused: {code} {Inbox.Str(root, "code")}: {Inbox.Str(root, "error")}");
        return Outcome.Fatal;
    }

    private async Task<Outcome> ListenAsync(CancellationToken ct)
    {
        var url = $"{ChannelUrl}/listen?timeout=60";
        if (_inbox.LastId > 0) url += "&since=" + _inbox.LastId.ToString(CultureInfo.InvariantCulture);
        using var request = Request(HttpMethod.Get, url);
        var (status, json, failure) = await SendAsync(request, ct);
        if (failure is not null) return failure.Value;
        using (json)
        {
            var root = json!.RootElement;
            if (status is HttpStatusCode.BadRequest or HttpStatusCode.Gone && Inbox.Str(root, "code") is "not_joined" or "session_expired")
            {
                Info($"session {Short(_session)}… ended ({Inbox.Str(root, "code")}): joining again");
                return Outcome.Rejoin;
            }
            if (status != HttpStatusCode.OK) return Refused("listen", status, root);
            if (root.TryGetProperty("missed", out var missed) && missed.ValueKind == JsonValueKind.Number)
            {
                var gap = $"⚠ {missed.GetInt64()} message(s) left the hub's buffer before they could be read";
                _inbox.Status(gap);
                Info(gap);
            }
            if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (var m in messages.EnumerateArray()) Dispatch(m);
            }
            return Outcome.Healthy;
        }
    }

    private async Task<(HttpStatusCode Status, JsonDocument? Json, Outcome? Failure)> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(bytes.Length == 0 ? "{}"u8.ToArray() : bytes);
            }
            catch (JsonException)
            {
                doc = JsonDocument.Parse("{}");
                if (response.IsSuccessStatusCode) return (response.StatusCode, null, Outcome.Retry);
            }
            return (response.StatusCode, doc, null);
        }
        catch (HttpRequestException e)
        {
            Info($"connection failed: {e.Message}");
            return (0, null, Outcome.Retry);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            Info("request timed out");
            return (0, null, Outcome.Retry);
        }
        catch (IOException e)
        {
            Info($"connection cut: {e.Message}");
            return (0, null, Outcome.Retry);
        }
    }

    private void Dispatch(JsonElement m)
    {
        if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("id", out var idElement) || !idElement.TryGetInt64(out var id)) return;
        var isStatus = Inbox.Str(m, "kind") == "status";
        // Status signals are ephemeral and carry ids of their own: never skipped, never committed.
        if (!isStatus && id <= _inbox.LastId) return;
        var priority = isStatus ? "default" : Inbox.Str(m, "priority");
        if (ListenOptions.Rank(priority) >= _o.MinPriority)
        {
            var saved = _inbox.SaveAttachments(m, id);
            var line = _inbox.Format(m, saved);
            _inbox.Append(line);
            if (_o.Inbox is null && _o.OnMessage is null && !_o.Quiet) _out.WriteLine(line);
            if (_o.OnMessage is { } hook) Hook.Run(hook, _o.Channel, m, id, saved, _err);
        }
        if (!isStatus) _inbox.Commit(id);
    }
}
