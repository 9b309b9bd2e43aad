using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RogerRat.Tests.Admin;

/// <summary>A fact that runs only where Debian's chromium is installed (CI installs it); elsewhere it is skipped with the reason.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ChromiumPath)) Skip = $"{ChromiumPath} is absent (apt-get install -y chromium to run the browser test)";
    }
}

/// <summary>
/// Headless chromium driven over the Chrome DevTools protocol (no browser download, no package): one page target,
/// commands by id over the browser's WebSocket with a flat session.
/// </summary>
internal sealed partial class Cdp : IAsyncDisposable
{
    private readonly Process _chromium;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private int _nextId;
    private string? _session;
    private Task? _reader;

    private Cdp(Process chromium, string profile)
    {
        _chromium = chromium;
        _profile = profile;
    }

    [GeneratedRegex(@"DevTools listening on (ws://\S+)")]
    private static partial Regex Listening();

    /// <summary>Starts chromium headless with a phone-sized window and opens <paramref name="url"/> in one page.</summary>
    public static async Task<Cdp> OpenAsync(string url, int width = 412, int height = 915)
    {
        var profile = Directory.CreateTempSubdirectory("rogerrat-chromium-").FullName;
        var start = new ProcessStartInfo(ChromiumFactAttribute.ChromiumPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--remote-debugging-port=0", $"--user-data-dir={profile}", $"--window-size={width},{height}", "about:blank" })
        {
            start.ArgumentList.Add(a);
        }
        var chromium = Process.Start(start)!;
        var cdp = new Cdp(chromium, profile);
        var ws = await ReadEndpointAsync(chromium);
        await cdp._socket.ConnectAsync(new Uri(ws), CancellationToken.None);
        cdp._reader = cdp.ReadLoopAsync();
        var target = await cdp.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, browser: true);
        var attached = await cdp.SendAsync("Target.attachToTarget",
            new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, browser: true);
        cdp._session = attached["sessionId"]!.GetValue<string>();
        await cdp.SendAsync("Emulation.setDeviceMetricsOverride",
            new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = true });
        await cdp.SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        await cdp.WaitForAsync("document.readyState === 'complete' && location.href.startsWith('http')");
        return cdp;
    }

    private static async Task<string> ReadEndpointAsync(Process chromium)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = new StringBuilder();
        while (await chromium.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            seen.AppendLine(line);
            if (Listening().Match(line) is { Success: true } m)
            {
                _ = chromium.StandardError.ReadToEndAsync(CancellationToken.None); // keep the pipe drained
                return m.Groups[1].Value;
            }
        }
        throw new InvalidOperationException($"chromium exited before its DevTools endpoint: {seen}");
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (node["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var tcs)) tcs.TrySetResult(node);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        foreach (var p in _pending.Values) p.TrySetException(new InvalidOperationException("CDP connection closed"));
    }

    /// <summary>One command; answers its result, or throws the protocol's error.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, bool browser = false)
    {
        var id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (!browser && _session is not null) command["sessionId"] = _session;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var reply = await tcs.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return reply["result"]!.AsObject();
    }

    /// <summary>Evaluates an expression in the page (promises awaited) and answers its JSON value.</summary>
    public async Task<JsonNode?> EvalAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate",
            new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        if (result["exceptionDetails"] is { } ex) throw new InvalidOperationException($"page threw: {ex.ToJsonString()}");
        return result["result"]!["value"]?.DeepClone();
    }

    /// <summary>Polls a boolean expression until it holds (or fails the test with the page's text after the timeout).</summary>
    public async Task WaitForAsync(string condition, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await EvalAsync($"!!({condition})") is JsonValue v && v.GetValue<bool>()) return;
            }
            catch (InvalidOperationException)
            {
                // navigating: the context is being replaced
            }
            await Task.Delay(100);
        }
        var text = await EvalAsync("document.body ? document.body.innerText : ''");
        throw new Xunit.Sdk.XunitException($"timed out waiting for {condition}; page text: {text}");
    }

    /// <summary>Types into the focused element as a user would (one insertText, input events fire).</summary>
    public async Task TypeAsync(string selector, string text)
    {
        await EvalAsync($"(() => {{ const e = document.querySelector({JsonSerializer.Serialize(selector)}); e.value = ''; e.focus(); }})()");
        await SendAsync("Input.insertText", new JsonObject { ["text"] = text });
    }

    public async Task ClickAsync(string selector) =>
        await EvalAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).click()");

    public async Task<byte[]> ScreenshotAsync()
    {
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open) await SendAsync("Browser.close", browser: true).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or WebSocketException)
        {
        }
        await _stop.CancelAsync();
        if (_reader is not null) await _reader.ConfigureAwait(false);
        _socket.Dispose();
        if (!_chromium.WaitForExit(5000)) _chromium.Kill(entireProcessTree: true);
        _chromium.Dispose();
        _stop.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
