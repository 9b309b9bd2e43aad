using System.Text;
using RogerRat.Host;
using RogerRat.Http.Server;

namespace RogerRat.Tests.Host;

/// <summary><c>rogerrat --config</c> and the limit flags: values go through the options' setters; nothing bad is ignored.</summary>
public class HostConfigTests
{
    private static (string? Error, ConfigTargets Targets) Load(string json, params (string Flag, string Value)[] flags)
    {
        var path = Path.Combine(Path.GetTempPath(), $"rr-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json, Encoding.UTF8); // with a byte order mark, as editors on Windows save it
        try
        {
            var error = HostConfig.Load(path, flags, new HttpServerOptions(), out var targets);
            return (error, targets);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_section_reaches_its_options_object()
    {
        var (error, t) = Load("""
            {
              // comments and trailing commas are fine
              "Hub": {"MaxSessionsPerChannel": 1200, "DeliveryLeaseTimeout": 12},
              "Http": {"MaxConcurrentConnections": 500, "Backlog": 64},
              "Api": {"ListenMaxSeconds": 45, "HistoryMax": 50, "HistoryDefault": 10, "JoinsPerMinute": 7},
              "Mcp": {"MaxSessions": 99, "MaxBatchSize": 20},
            }
            """);
        Assert.Null(error);
        Assert.Equal(1200, t.Hub.MaxSessionsPerChannel);
        Assert.Equal(TimeSpan.FromSeconds(12), t.Hub.DeliveryLeaseTimeout);
        Assert.Equal(500, t.Http.Limits.MaxConcurrentConnections);
        Assert.Equal(64, t.Http.Backlog);
        Assert.Equal(45, t.Api.ListenMaxSeconds);
        Assert.Equal((50, 10), (t.Api.HistoryMax, t.Api.HistoryDefault));
        Assert.Equal(99, t.Mcp.MaxSessions);
        Assert.Equal(20, t.Mcp.Limits.MaxBatchSize);
        var limits = HostConfig.RateLimits(t, RogerRat.Core.Service.RateLimits.Public);
        Assert.Equal(7, limits.JoinsPerMinute);
        Assert.Equal(RogerRat.Core.Service.RateLimits.Public.SendsPerMinute, limits.SendsPerMinute); // unset: the preset
    }

    [Theory]
    [InlineData("""{"Hub":{"NoSuchKey":1}}""", "NoSuchKey")]
    [InlineData("""{"Nope":{}}""", "unknown section 'Nope'")]
    [InlineData("""{"Hub":{"MaxSessionsPerChannel":0}}""", "MaxSessionsPerChannel")]
    [InlineData("""{"Hub":{"MaxSessionsPerChannel":"many"}}""", "MaxSessionsPerChannel")]
    [InlineData("""{"Api":{"ListenMaxSeconds":-1}}""", "ListenMaxSeconds")]
    [InlineData("""{"Api":{"HistoryDefault":30,"HistoryMax":20}}""", "HistoryDefault must not exceed Api.HistoryMax")]
    [InlineData("""{"Api":{"WaitDefaultSeconds":400}}""", "WaitDefaultSeconds must not exceed")]
    [InlineData("""[1,2]""", "JSON object")]
    [InlineData("""{"Hub":""", "")]
    public void A_bad_document_is_an_error_naming_what_is_wrong(string json, string names)
    {
        var (error, _) = Load(json);
        Assert.NotNull(error);
        Assert.Contains(names, error);
    }

    [Fact]
    public void Limit_flags_apply_after_the_file_and_are_checked_alike()
    {
        var (error, t) = Load("""{"Hub":{"MaxSessionsPerChannel":1200}}""", ("--max-sessions-per-channel", "1500"));
        Assert.Null(error);
        Assert.Equal(1500, t.Hub.MaxSessionsPerChannel);
        Assert.Contains("--max-channels", Load("{}", ("--max-channels", "lots")).Error);
        Assert.Contains("--max-connections", Load("{}", ("--max-connections", "0")).Error);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var error = HostConfig.Load("/nonexistent/rr.json", [], new HttpServerOptions(), out _);
        Assert.Contains("/nonexistent/rr.json", error);
    }
}
