using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RogerRat.Core;
using RogerRat.Extensions.Hosting;

// A consumer of the packed packages, built outside the solution: the engine in process, then the hosted hub over HTTP.
using var hub = new Hub();
var channel = hub.CreateChannel(new CreateChannelSpec()).Channel;
var alpha = channel.Join(new JoinRequest { Callsign = "alpha" }).SessionId;
var bravo = channel.Join(new JoinRequest { Callsign = "bravo" }).SessionId;
var listening = channel.ListenAsync(bravo, TimeSpan.FromSeconds(10)).AsTask();
channel.Send(alpha, new SendRequest { To = "bravo", Text = "hello from a package" });
var delivery = await listening;
channel.Commit(delivery);
var inProcess = delivery.Messages is [{ From: "alpha", Text: "hello from a package" }];

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddRogerRatHub(builder.Configuration, options => options.Port = 0);
using var host = builder.Build();
await host.StartAsync();
using var http = new HttpClient { BaseAddress = new Uri(host.Services.GetRequiredService<RogerRatHub>().Origin) };
using var health = await http.GetAsync("/healthz");
await host.StopAsync();

var ok = inProcess && health.IsSuccessStatusCode;
Console.WriteLine(ok ? "PASS consumer: in-process send/listen and the hosted hub's /healthz" : $"FAIL consumer: inProcess={inProcess} healthz={(int)health.StatusCode}");
return ok ? 0 : 1;
