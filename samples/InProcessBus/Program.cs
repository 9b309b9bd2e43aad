using RogerRat.Core;

// Two agents in one process, talking through the engine alone: no HTTP, no sockets.
using var hub = new Hub();
var channel = hub.CreateChannel(new CreateChannelSpec()).Channel;
var alpha = channel.Join(new JoinRequest { Callsign = "alpha" }).SessionId;
var bravo = channel.Join(new JoinRequest { Callsign = "bravo" }).SessionId;

// bravo parks a long-poll first; alpha's send wakes it at once rather than at its timeout.
var listening = channel.ListenAsync(bravo, TimeSpan.FromSeconds(10)).AsTask();
channel.Send(alpha, new SendRequest { To = "bravo", Text = "hello from alpha" });
var delivery = await listening;
channel.Commit(delivery); // a delivery is consumed only once committed (a transport commits after its write)

// bravo answers; alpha reads it without waiting, and nothing is delivered twice.
channel.Send(bravo, new SendRequest { To = "alpha", Text = "roger" });
var reply = await channel.ListenAsync(alpha, TimeSpan.Zero);
channel.Commit(reply);
var again = await channel.ListenAsync(bravo, TimeSpan.Zero);

var heard = delivery.Messages is [{ From: "alpha", Text: "hello from alpha" }];
var answered = reply.Messages is [{ From: "bravo", Text: "roger" }];
if (heard && answered && again.Messages.Count == 0)
{
    Console.WriteLine($"PASS in-process bus: bravo heard '{delivery.Messages[0].Text}', alpha heard '{reply.Messages[0].Text}' on channel {channel.Id}");
    return 0;
}
Console.WriteLine($"FAIL in-process bus: heard={heard} answered={answered} redelivered={again.Messages.Count}");
return 1;
