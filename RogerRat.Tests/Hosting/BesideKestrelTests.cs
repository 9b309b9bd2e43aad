using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RogerRat.Extensions.Hosting;

namespace RogerRat.Tests.Hosting;

/// <summary>The hub beside Kestrel in an ASP.NET Core app: each on its own port, both up, both stopped with the app.</summary>
public class BesideKestrelTests
{
    [Fact]
    public async Task An_aspnetcore_app_serves_its_own_routes_and_the_hub_on_its_own_port()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddRogerRatHub(o => o.Port = 0);
        await using var app = builder.Build();
        app.MapGet("/app", () => Results.Text("the app"));
        await app.StartAsync();

        var kestrel = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var hub = app.Services.GetRequiredService<RogerRatHub>();
        Assert.NotEqual(new Uri(kestrel).Port, hub.LocalEndPoint.Port);
        using var http = new HttpClient();
        Assert.Equal("the app", await http.GetStringAsync(kestrel + "/app"));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(hub.Origin + "/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(kestrel + "/healthz")).StatusCode);

        var hubPort = hub.LocalEndPoint.Port;
        await app.StopAsync();
        using var rebind = new System.Net.Sockets.TcpListener(IPAddress.Loopback, hubPort);
        rebind.Start();
    }
}
