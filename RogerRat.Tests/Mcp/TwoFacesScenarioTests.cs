using System.Collections.Concurrent;
using RogerRat.Tests.Integration;
using Xunit.Abstractions;

namespace RogerRat.Tests.Mcp;

/// <summary>One hub for the whole scenario table; every run gets its own channel.</summary>
public sealed class TwoFacesHub : IAsyncLifetime
{
    internal LiveHub Hub { get; private set; } = null!;
    public async Task InitializeAsync() => Hub = await LiveHub.StartAsync();
    public async Task DisposeAsync() => await Hub.DisposeAsync();
}

/// <summary>
/// One behaviour, two faces: the same conversations run through REST and through MCP, with every combination of faces
/// for the two agents (alpha uses the first face, bravo the second; a third agent, charlie, uses the first face too).
/// Each step's normalised <see cref="Outcome"/> must equal the value stated in the table and the REST/REST run's.
/// </summary>
public sealed class TwoFacesScenarioTests(TwoFacesHub fixture, ITestOutputHelper output) : IClassFixture<TwoFacesHub>
{
    internal sealed class Run(IAgentFace alpha, IAgentFace bravo, IAgentFace charlie)
    {
        public IAgentFace Alpha { get; } = alpha;
        public IAgentFace Bravo { get; } = bravo;
        public IAgentFace Charlie { get; } = charlie;
        public Dictionary<string, Task<Outcome>> Parked { get; } = [];
    }

    internal sealed record Step(string Label, Func<Run, Task<Outcome>> Act, Outcome Expected);

    private static Step Do(string label, Func<Run, Task<Outcome>> act, Outcome expected) => new(label, act, expected);

    /// <summary>Starts a call without waiting for it (a parked listener); <see cref="Await"/> collects it.</summary>
    private static Step Park(string key, Func<Run, Task<Outcome>> act) =>
        new($"park {key}", r => { r.Parked[key] = act(r); return Task.FromResult(Outcome.Ok); }, Outcome.Ok);

    private static Step Await(string key, Outcome expected) => new($"{key} returns", r => r.Parked[key], expected);

    private static Msg M(string from, string to, string text, string kind = "message", string priority = "default") => new(from, to, text, kind, priority);

    private static readonly string s_longest = new('x', 8192);
    private static readonly string s_tooLong = new('y', 8193);

    private static Step[] TwoJoined() =>
    [
        Do("alpha joins", r => r.Alpha.Join("alpha"), Outcome.Members("alpha")),
        Do("bravo joins", r => r.Bravo.Join("bravo"), Outcome.Members("alpha", "bravo")),
    ];

    internal static readonly Dictionary<string, Step[]> Scenarios = new()
    {
        ["dm_delivered_once_not_to_sender"] =
        [
            .. TwoJoined(),
            Do("alpha → bravo", r => r.Alpha.Send("bravo", "hi bravo"), Outcome.Sent("bravo")),
            Park("alpha hears nothing of its own DM", r => r.Alpha.Listen(1)),
            Do("bravo listens", r => r.Bravo.Listen(5), Outcome.Heard(M("alpha", "bravo", "hi bravo"))),
            Do("bravo listens again: nothing new", r => r.Bravo.Listen(1), Outcome.Heard()),
            Await("alpha hears nothing of its own DM", Outcome.Heard()),
        ],
        ["broadcast_delivered_once_not_to_sender"] =
        [
            .. TwoJoined(),
            Do("charlie joins", r => r.Charlie.Join("charlie"), Outcome.Members("alpha", "bravo", "charlie")),
            Do("alpha → all", r => r.Alpha.Send("all", "hello all"), Outcome.Sent("all")),
            Park("alpha hears nothing of its own broadcast", r => r.Alpha.Listen(1)),
            Do("bravo listens", r => r.Bravo.Listen(5), Outcome.Heard(M("alpha", "all", "hello all"))),
            Do("charlie listens", r => r.Charlie.Listen(5), Outcome.Heard(M("alpha", "all", "hello all"))),
            Park("bravo listens again", r => r.Bravo.Listen(1)),
            Do("charlie listens again: nothing new", r => r.Charlie.Listen(1), Outcome.Heard()),
            Await("bravo listens again", Outcome.Heard()),
            Await("alpha hears nothing of its own broadcast", Outcome.Heard()),
        ],
        ["hash_n_addressing"] =
        [
            .. TwoJoined(),
            Do("bravo → #1", r => r.Bravo.Send("#1", "to the first"), Outcome.Sent("alpha")),
            Do("alpha → 2 (bare index)", r => r.Alpha.Send("2", "to the second"), Outcome.Sent("bravo")),
            Do("alpha → #9 (no such index)", r => r.Alpha.Send("#9", "nobody"), Outcome.Error("invalid")),
            Do("alpha listens", r => r.Alpha.Listen(5), Outcome.Heard(M("bravo", "alpha", "to the first"))),
            Do("bravo listens", r => r.Bravo.Listen(5), Outcome.Heard(M("alpha", "bravo", "to the second"))),
            Do("roster", r => r.Alpha.Roster(), Outcome.Members("#1 alpha", "#2 bravo")),
        ],
        ["status_signal_to_parked_listener"] =
        [
            .. TwoJoined(),
            Park("bravo", r => r.Bravo.Listen(20)),
            Do("settle", async _ => { await Task.Delay(300); return Outcome.Ok; }, Outcome.Ok),
            Do("alpha status → bravo", r => r.Alpha.Send("bravo", "working on it", kind: "status"), Outcome.Sent("bravo")),
            Await("bravo", Outcome.Heard(M("alpha", "bravo", "working on it", "status"))),
            Do("status is not in history", r => r.Bravo.History(10), Outcome.Heard()),
        ],
        ["empty_message_rejected"] =
        [
            .. TwoJoined(),
            Do("alpha → bravo ''", r => r.Alpha.Send("bravo", ""), Outcome.Error("invalid")),
            Do("alpha → all ''", r => r.Alpha.Send("all", ""), Outcome.Error("invalid")),
            Do("empty status", r => r.Alpha.Send("bravo", "", kind: "status"), Outcome.Error("invalid")),
            Do("nothing stored", r => r.Bravo.History(10), Outcome.Heard()),
        ],
        ["message_length_limit"] =
        [
            .. TwoJoined(),
            Do("8192 chars accepted", r => r.Alpha.Send("bravo", s_longest), Outcome.Sent("bravo")),
            Do("8193 chars rejected", r => r.Alpha.Send("bravo", s_tooLong), Outcome.Error("invalid")),
            Do("281-char status rejected", r => r.Alpha.Send("bravo", new string('s', 281), kind: "status"), Outcome.Error("invalid")),
            Do("bravo hears only the 8192", r => r.Bravo.Listen(5), Outcome.Heard(M("alpha", "bravo", s_longest))),
            Do("history has only the 8192", r => r.Alpha.History(10), Outcome.Heard(M("alpha", "bravo", s_longest))),
        ],
        ["invalid_priority_and_kind_rejected"] =
        [
            .. TwoJoined(),
            Do("priority 'loud' rejected", r => r.Alpha.Send("bravo", "hot", priority: "loud"), Outcome.Error("invalid")),
            Do("kind 'shout' rejected", r => r.Alpha.Send("bravo", "hot", kind: "shout"), Outcome.Error("invalid")),
            Do("priority 'high' accepted", r => r.Alpha.Send("bravo", "hot", priority: "high"), Outcome.Sent("bravo")),
            Do("bravo hears the high one only", r => r.Bravo.Listen(5), Outcome.Heard(M("alpha", "bravo", "hot", priority: "high"))),
            Do("history keeps the priority", r => r.Bravo.History(10), Outcome.Heard(M("alpha", "bravo", "hot", priority: "high"))),
        ],
        ["unknown_recipient_rejected"] =
        [
            .. TwoJoined(),
            Do("alpha → nobody", r => r.Alpha.Send("nobody", "hello?"), Outcome.Error("invalid")),
            Do("alpha → malformed", r => r.Alpha.Send("Not A Callsign!", "hello?"), Outcome.Error("invalid")),
            Do("nothing stored", r => r.Bravo.History(10), Outcome.Heard()),
        ],
        ["since_rereads"] =
        [
            .. TwoJoined(),
            Do("alpha → bravo one", r => r.Alpha.Send("bravo", "one"), Outcome.Sent("bravo")),
            Do("alpha → bravo two", r => r.Alpha.Send("bravo", "two"), Outcome.Sent("bravo")),
            Do("bravo listens", r => r.Bravo.Listen(5), Outcome.Heard(M("alpha", "bravo", "one"), M("alpha", "bravo", "two"))),
            Do("bravo listens again: nothing new", r => r.Bravo.Listen(1), Outcome.Heard()),
            Do("since before 'one' re-reads both", r => r.Bravo.Listen(5, r.Bravo.HeardIds[0] - 1),
                Outcome.Heard(M("alpha", "bravo", "one"), M("alpha", "bravo", "two"))),
            Do("since 'one' re-reads 'two'", r => r.Bravo.Listen(5, r.Bravo.HeardIds[0]), Outcome.Heard(M("alpha", "bravo", "two"))),
        ],
        ["leave_then_send_fails"] =
        [
            .. TwoJoined(),
            Do("alpha leaves", r => r.Alpha.Leave(), Outcome.Ok),
            Do("alpha sends after leaving", r => r.Alpha.Send("bravo", "still here?"), Outcome.Error(ErrorKinds.NotJoined)),
            Do("alpha listens after leaving", r => r.Alpha.Listen(1), Outcome.Error(ErrorKinds.NotJoined)),
            Do("roster without alpha", r => r.Bravo.Roster(), Outcome.Members("#1 bravo")),
            Do("nothing stored", r => r.Bravo.History(10), Outcome.Heard()),
        ],
        ["dm_to_departed_callsign_queues"] =
        [
            .. TwoJoined(),
            Do("bravo leaves", r => r.Bravo.Leave(), Outcome.Ok),
            Do("alpha → bravo (offline)", r => r.Alpha.Send("bravo", "for later"), Outcome.Sent("bravo", queued: true)),
            Do("bravo rejoins", r => r.Bravo.Join("bravo"), Outcome.Members("alpha", "bravo")),
            Do("bravo hears the queued DM", r => r.Bravo.Listen(5), Outcome.Heard(M("alpha", "bravo", "for later"))),
        ],
        ["taken_callsign_refused"] =
        [
            Do("alpha joins", r => r.Alpha.Join("alpha"), Outcome.Members("alpha")),
            Do("bravo tries 'alpha'", r => r.Bravo.Join("alpha"), Outcome.Error("callsign_taken")),
            Do("bravo tries 'all'", r => r.Bravo.Join("all"), Outcome.Error("invalid")),
            Do("bravo joins as bravo", r => r.Bravo.Join("bravo"), Outcome.Members("alpha", "bravo")),
            Do("alpha joins again (idempotent)", r => r.Alpha.Join("alpha"), Outcome.Rejoined("alpha", "bravo")),
        ],
        ["idempotent_send_stores_once"] =
        [
            .. TwoJoined(),
            Do("alpha → bravo, key k1", r => r.Alpha.Send("bravo", "exactly once", idempotencyKey: "k1"), Outcome.Sent("bravo")),
            Do("retry with k1", r => r.Alpha.Send("bravo", "exactly once", idempotencyKey: "k1"), Outcome.Sent("bravo", replayed: true)),
            Do("alpha → all, key k2", r => r.Alpha.Send("all", "also once", idempotencyKey: "k2"), Outcome.Sent("all")),
            Do("bravo hears each once", r => r.Bravo.Listen(5), Outcome.Heard(M("alpha", "bravo", "exactly once"), M("alpha", "all", "also once"))),
            Do("history holds each once", r => r.Bravo.History(10), Outcome.Heard(M("alpha", "bravo", "exactly once"), M("alpha", "all", "also once"))),
        ],
        ["gap_report_when_the_ring_overflows"] =
        [
            .. TwoJoined(),
            Do("alpha → bravo m1..m103 (ring holds 100)", async r =>
            {
                for (var i = 1; i <= 103; i++)
                {
                    var sent = await r.Alpha.Send("bravo", $"m{i}");
                    if (sent.Status != "ok") return sent;
                }
                return Outcome.Ok;
            }, Outcome.Ok),
            Do("bravo hears m4..m103 and is told 3 were missed", r => r.Bravo.Listen(5),
                new Outcome { Messages = [.. Enumerable.Range(4, 100).Select(i => M("alpha", "bravo", $"m{i}"))], Missed = 3 }),
            Do("history n=2", r => r.Bravo.History(2), Outcome.Heard(M("alpha", "bravo", "m102"), M("alpha", "bravo", "m103"))),
        ],
        ["history_shows_dms_between_others"] =
        [
            .. TwoJoined(),
            Do("charlie joins", r => r.Charlie.Join("charlie"), Outcome.Members("alpha", "bravo", "charlie")),
            Do("alpha → bravo", r => r.Alpha.Send("bravo", "psst"), Outcome.Sent("bravo")),
            Do("bravo → alpha [urgent]", r => r.Bravo.Send("alpha", "roger", priority: "urgent"), Outcome.Sent("alpha")),
            Do("bravo → all", r => r.Bravo.Send("all", "done"), Outcome.Sent("all")),
            Do("charlie reads history", r => r.Charlie.History(10),
                Outcome.Heard(M("alpha", "bravo", "psst"), M("bravo", "alpha", "roger", priority: "urgent"), M("bravo", "all", "done"))),
            Do("history n=1", r => r.Charlie.History(1), Outcome.Heard(M("bravo", "all", "done"))),
            Do("charlie hears only the broadcast", r => r.Charlie.Listen(5), Outcome.Heard(M("bravo", "all", "done"))),
        ],
    };

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var name in Scenarios.Keys)
        {
            foreach (var (a, b) in new[] { ("REST", "REST"), ("REST", "MCP"), ("MCP", "REST"), ("MCP", "MCP") })
            {
                data.Add(name, a, b);
            }
        }
        return data;
    }

    private static readonly ConcurrentDictionary<string, Lazy<Task<List<(string Label, Outcome Outcome)>>>> s_restBaseline = new();

    private static string Transcript(IEnumerable<(string Label, Outcome Outcome)> steps) =>
        string.Join("\n", steps.Select(s => $"{s.Label}: {s.Outcome}"));

    /// <summary>
    /// The error texts an agent reads. Both faces raise the same engine errors, so the words must match too, except
    /// "not on the channel": REST says 410 "session expired; call /join …" (the left session id is tombstoned) while
    /// the unified MCP endpoint says "not joined to a channel; call 'join' …" (leave unbinds the MCP session). Each
    /// names its own face's join, which is right, so that kind is compared by kind only.
    /// </summary>
    private static string Wording(IEnumerable<(string Label, Outcome Outcome)> steps) =>
        string.Join("\n", steps.Where(s => s.Outcome.Status is not "ok" and not ErrorKinds.NotJoined).Select(s => $"{s.Label}: {s.Outcome.Wording}"));

    private async Task<IAgentFace> Face(string kind, string id, string token) => kind switch
    {
        "REST" => new RestFace(fixture.Hub, id, token),
        "MCP" => await McpFace.Connect(fixture.Hub, id, token),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private async Task<List<(string Label, Outcome Outcome)>> Play(string scenario, string faceA, string faceB)
    {
        var (id, token) = await fixture.Hub.CreateChannel();
        await using var alpha = await Face(faceA, id, token);
        await using var bravo = await Face(faceB, id, token);
        await using var charlie = await Face(faceA, id, token);
        return await PlayAsync(scenario, new Run(alpha, bravo, charlie), detail => output.WriteLine($"[{faceA}/{faceB}] {detail}"));
    }

    /// <summary>Plays a scenario's steps in order with the run's agents, whatever hubs they are on.</summary>
    internal static async Task<List<(string Label, Outcome Outcome)>> PlayAsync(string scenario, Run run, Action<string> log)
    {
        var outcomes = new List<(string, Outcome)>();
        foreach (var step in Scenarios[scenario])
        {
            var outcome = await step.Act(run);
            if (outcome.Detail.Length > 0) log($"{step.Label}: {outcome.Detail}");
            outcomes.Add((step.Label, outcome));
        }
        return outcomes;
    }

    /// <summary>The transcript a scenario's table states.</summary>
    internal static string ExpectedTranscript(string scenario) => Transcript(Scenarios[scenario].Select(s => (s.Label, s.Expected)));

    internal static string TranscriptOf(IEnumerable<(string Label, Outcome Outcome)> steps) => Transcript(steps);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Same_outcomes_through_both_faces(string scenario, string faceA, string faceB)
    {
        var expected = Transcript(Scenarios[scenario].Select(s => (s.Label, s.Expected)));
        var played = await Play(scenario, faceA, faceB);
        var actual = Transcript(played);
        output.WriteLine(actual);
        Assert.Equal(expected, actual);

        if (faceA == "REST" && faceB == "REST")
        {
            s_restBaseline.TryAdd(scenario, new(Task.FromResult(played)));
            return;
        }
        var baseline = await s_restBaseline.GetOrAdd(scenario, _ => new(() => Play(scenario, "REST", "REST"))).Value;
        Assert.Equal(Transcript(baseline), actual);
        Assert.Equal(Wording(baseline), Wording(played));
    }

    [Fact]
    public void The_table_has_enough_scenarios()
    {
        Assert.True(Scenarios.Count >= 8);
        Assert.Equal(Scenarios.Count * 4, Cases().Count);
    }
}
