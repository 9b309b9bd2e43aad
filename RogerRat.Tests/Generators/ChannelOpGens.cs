using FsCheck;
using FsCheck.Fluent;

namespace RogerRat.Tests.Generators;

/// <summary>One step of a channel conversation, over a fixed cast of four callsigns (indices into <see cref="ChannelOpGens.Names"/>).</summary>
public abstract record ChannelOp;

/// <summary>Join <paramref name="Cs"/>; with <paramref name="WithSessionId"/> the last session id it got is sent back (X-Session-Id).</summary>
public sealed record JoinOp(int Cs, bool WithSessionId) : ChannelOp;

/// <summary>The session last given to <paramref name="From"/> joins as <paramref name="To"/> (rename, or 409).</summary>
public sealed record RenameOp(int From, int To) : ChannelOp;

public sealed record LeaveOp(int Cs) : ChannelOp;

/// <summary><paramref name="ToKind"/>: 0 broadcast, 1 callsign <paramref name="ToArg"/>, 2 <c>#N</c> with N = ToArg + 1, 3 empty (broadcast).</summary>
public sealed record SendOp(int From, int ToKind, int ToArg, bool Status) : ChannelOp;

/// <summary>A listen that does not wait. <paramref name="SinceKind"/>: 0 none, 1 since=0, 2 since = the id of a message seen
/// (<paramref name="SinceArg"/> picks which). <paramref name="Commit"/>: the transport's write succeeded.</summary>
public sealed record ListenOp(int Cs, int SinceKind, int SinceArg, bool Commit) : ChannelOp;

/// <summary>A listen that parks (10 min timeout) until something wakes it.</summary>
public sealed record ParkOp(int Cs) : ChannelOp;

/// <summary>A parked listen whose client goes away (the transport's token fires).</summary>
public sealed record DisconnectOp(int Cs) : ChannelOp;

public sealed record AdvanceOp(int Seconds) : ChannelOp;

public sealed record GcOp : ChannelOp;

/// <summary>A whole conversation.</summary>
public sealed record ChannelScript(ChannelOp[] Ops)
{
    public override string ToString() => string.Join(Environment.NewLine, Ops.Select(o => o.ToString()));
}

public static class ChannelOpGens
{
    public static readonly string[] Names = ["alpha", "bravo", "charlie", "delta"];

    private static Gen<int> Cs => Gen.Choose(0, Names.Length - 1);

    public static Gen<ChannelOp> Op { get; } = Gen.Frequency(
        (6, Gen.Zip(Cs, Gen.Elements(true, false)).Select(t => (ChannelOp)new JoinOp(t.Item1, t.Item2))),
        (1, Gen.Zip(Cs, Cs).Select(t => (ChannelOp)new RenameOp(t.Item1, t.Item2))),
        (2, Cs.Select(c => (ChannelOp)new LeaveOp(c))),
        (12, from f in Cs
             from k in Gen.Choose(0, 3)
             from a in Gen.Choose(0, 4)
             from s in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
             select (ChannelOp)new SendOp(f, k, a, s)),
        (8, from c in Cs
            from k in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(1)), (2, Gen.Constant(2)))
            from a in Gen.Choose(0, 50)
            from commit in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
            select (ChannelOp)new ListenOp(c, k, a, commit)),
        (4, Cs.Select(c => (ChannelOp)new ParkOp(c))),
        (1, Cs.Select(c => (ChannelOp)new DisconnectOp(c))),
        (2, Gen.Elements(1, 30, 61, 1800, 3700).Select(s => (ChannelOp)new AdvanceOp(s))),
        (2, Gen.Constant((ChannelOp)new GcOp())));

    public static Arbitrary<ChannelScript> Scripts() =>
        Gen.Sized(size => Gen.ArrayOf(Op, Math.Max(5, size))).Select(ops => new ChannelScript(ops)).ToArbitrary();
}
