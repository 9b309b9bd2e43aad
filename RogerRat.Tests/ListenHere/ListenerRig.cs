using RogerRat.Tests.Integration;
using static RogerRat.Tests.ListenHere.ListenHereRun;

namespace RogerRat.Tests.ListenHere;

/// <summary>The usual scene: a live hub, a channel, listen-here online as alpha with an inbox in a fresh folder, and
/// bravo joined to talk to it.</summary>
internal sealed class ListenerRig : IAsyncDisposable
{
    private ListenerRig(LiveHub hub, string id, string token, string dir, string inbox, ListenHereRun run, string bravo) =>
        (Hub, Id, Token, Dir, Inbox, Run, Bravo) = (hub, id, token, dir, inbox, run, bravo);

    public LiveHub Hub { get; }
    public string Id { get; }
    public string Token { get; }
    public string Dir { get; }
    public string Inbox { get; }
    public ListenHereRun Run { get; }
    public string Bravo { get; }

    public static string[] Args(LiveHub hub, string id, string token, string inbox, params string[] more) =>
        ["--origin", hub.Base, "--channel", id, "--token", token, "--callsign", "alpha", "--inbox", inbox, "--backoff-ms", "50", .. more];

    public static async Task<ListenerRig> StartAsync(string inboxName, params string[] more)
    {
        var hub = await LiveHub.StartAsync();
        var (id, token) = await hub.CreateChannel();
        var dir = TempDir();
        var inbox = Path.Combine(dir, inboxName);
        var run = Start(Args(hub, id, token, inbox, more));
        await WaitOnline(hub, id, token, "alpha", run);
        return new ListenerRig(hub, id, token, dir, inbox, run, await hub.Join(id, token, "bravo"));
    }

    public void Deconstruct(out LiveHub hub, out string id, out string token, out string dir, out string inbox, out ListenHereRun run, out string bravo) =>
        (hub, id, token, dir, inbox, run, bravo) = (Hub, Id, Token, Dir, Inbox, Run, Bravo);

    public async ValueTask DisposeAsync()
    {
        await Run.DisposeAsync();
        await Hub.DisposeAsync();
    }
}
