using RogerRat.Host.ListenHere;
using RogerRat.Tests.Integration;

namespace RogerRat.Tests.ListenHere;

/// <summary>One <c>rogerrat listen-here</c> run in-process through its real entry point, in a temp folder of its own.</summary>
internal sealed class ListenHereRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private readonly TextWriter _syncOut;
    private readonly TextWriter _syncErr;
    public Task<int> Exit { get; }

    private ListenHereRun(string[] args)
    {
        _syncOut = TextWriter.Synchronized(_out);
        _syncErr = TextWriter.Synchronized(_err);
        Exit = Task.Run(() => ListenHereCommand.RunAsync(args, _syncOut, _syncErr, _cts.Token));
    }

    public static ListenHereRun Start(params string[] args) => new(args);

    public string Stderr
    {
        get
        {
            lock (_syncErr) return _err.ToString();
        }
    }

    public async Task<int> StopAsync()
    {
        _cts.Cancel();
        return await Exit.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exit.IsCompleted) await StopAsync();
        _cts.Dispose();
    }

    /// <summary>A fresh temp folder for one test's inbox, state and attachments.</summary>
    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "rr-lh-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The inbox's message lines (status lines starting with ⟲ left out), once at least <paramref name="count"/> are there.</summary>
    public static async Task<string[]> WaitForLines(string inbox, int count, ListenHereRun? run = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string[] lines = [];
        while (DateTime.UtcNow < deadline)
        {
            lines = Lines(inbox);
            if (lines.Length >= count) return lines;
            await Task.Delay(30);
        }
        Assert.Fail($"{inbox} has {lines.Length} of {count} lines: {string.Join(" / ", lines)}\n{run?.Stderr}");
        return lines;
    }

    public static string[] Lines(string inbox) => File.Exists(inbox)
        ? File.ReadAllLines(inbox).Where(l => !l.StartsWith('⟲')).ToArray()
        : [];

    /// <summary>Waits until <paramref name="callsign"/> is online (listen-here joined), so DMs to it are accepted.</summary>
    public static async Task WaitOnline(LiveHub hub, string id, string token, string callsign, ListenHereRun? run = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var (_, roster) = await hub.Send(HttpMethod.Get, $"/api/channels/{id}/roster", token: token);
            if (roster.GetProperty("roster").EnumerateArray().Any(c => c.GetString() == callsign)) return;
            await Task.Delay(30);
        }
        Assert.Fail($"{callsign} never came online\n{run?.Stderr}");
    }

    public static async Task Say(LiveHub hub, string id, string token, string sid, string body)
    {
        var (status, json) = await hub.Send(HttpMethod.Post, $"/api/channels/{id}/send", body, token, sid);
        Assert.True(status == 200, json.ToString());
    }
}
