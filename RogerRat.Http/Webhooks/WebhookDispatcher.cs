using System.Collections.Concurrent;
using System.Net.Http;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using RogerRat.Core;

namespace RogerRat.Http.Webhooks;

/// <summary>
/// A hub's webhooks (PROTOCOL §4): the registry per channel, and the one pooled <see cref="HttpClient"/> over one
/// <see cref="SocketsHttpHandler"/> whose connect step enforces the SSRF guard after DNS. Redirects are not followed
/// and no proxy is used, so the address judged is the address reached.
/// <para>Registrations live in memory: they end with the process, or when their channel does (checked when a webhook
/// is registered).</para>
/// </summary>
internal sealed class WebhookDispatcher : IAsyncDisposable
{
    private readonly Hub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly ConcurrentDictionary<string, ChannelWebhooks> _channels = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>The hub's instruments; set before the first webhook is created.</summary>
    public RogerRat.Core.Service.HubMetrics? Metrics { get; set; }

    public WebhookDispatcher(Hub hub, WebhookOptions options, TimeProvider time, ILogger logger)
    {
        _hub = hub;
        Options = options;
        _time = time;
        _logger = logger;
        var allowPrivate = options.AllowPrivateAddresses;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.AttemptTimeout,
            ConnectCallback = (context, ct) => AddressGuard.ConnectAsync(context, allowPrivate, ct),
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("RogerRat-Webhook/1");
    }

    public WebhookOptions Options { get; }

    /// <summary>Registers a webhook on <paramref name="channel"/>; refusals are <see cref="HubException"/>s.</summary>
    public Webhook Register(Channel channel, string? url, string? callsign, string? secret)
    {
        if (channel.Settings.IsBand) throw new HubException(WebhookErrors.NotOnBands);
        if (string.IsNullOrWhiteSpace(url)) throw new HubException(WebhookErrors.UrlRequired);
        if (url.Length > Options.MaxUrlLength) throw new HubException(WebhookErrors.UrlTooLong(Options.MaxUrlLength));
        if (AddressGuard.CheckUrl(url.Trim(), Options.AllowPrivateAddresses, out var uri) is { } refused) throw new HubException(refused);
        var normalized = callsign is null ? null : Callsigns.Normalize(callsign);
        if (secret is not null && (secret.Length is < WebhookErrors.MinSecretLength or > WebhookErrors.MaxSecretLength
            || secret.AsSpan().ContainsAnyExceptInRange('!', '~')))
        {
            throw new HubException(WebhookErrors.SecretLength);
        }
        ForgetEndedChannels();
        var set = _channels.AddOrUpdate(channel.Id, static (_, ch) => new ChannelWebhooks(ch),
            static (_, existing, ch) => ReferenceEquals(existing.Channel, ch) ? existing : new ChannelWebhooks(ch), channel);
        var hook = new Webhook("wh_" + Token(12), channel.Id, uri!, normalized, secret ?? "whsec_" + Token(24),
            _time.GetUtcNow().ToUnixTimeMilliseconds(), _client, Options, _time, _logger) { Metrics = Metrics };
        if (!set.TryAdd(hook, Options.MaxWebhooksPerChannel)) throw new HubException(WebhookErrors.TooManyWebhooks(Options.MaxWebhooksPerChannel));
        _logger.LogInformation("webhook {WebhookId} registered on channel {ChannelId} for {Host}", hook.Id, channel.Id, uri!.Host);
        return hook;
    }

    public Webhook[] List(Channel channel) =>
        _channels.TryGetValue(channel.Id, out var set) && ReferenceEquals(set.Channel, channel) ? set.Hooks : [];

    /// <summary>Removes a webhook and stops its deliveries; false when the channel has no such webhook.</summary>
    public async Task<bool> DeleteAsync(Channel channel, string webhookId)
    {
        if (!_channels.TryGetValue(channel.Id, out var set) || !ReferenceEquals(set.Channel, channel)) return false;
        if (set.Remove(webhookId) is not { } hook) return false;
        await hook.StopAsync().ConfigureAwait(false);
        return true;
    }

    // A channel that expired (or was replaced) takes its webhooks with it.
    private void ForgetEndedChannels()
    {
        foreach (var (id, set) in _channels)
        {
            if (_hub.TryGetChannel(id, out var live) && ReferenceEquals(live, set.Channel)) continue;
            if (!_channels.TryRemove(new KeyValuePair<string, ChannelWebhooks>(id, set))) continue;
            foreach (var hook in set.Clear()) _ = hook.StopAsync();
        }
    }

    private static string Token(int bytes)
    {
        Span<byte> b = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(b);
        return Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        var stopping = new List<Task>();
        foreach (var set in _channels.Values)
        {
            foreach (var hook in set.Clear()) stopping.Add(hook.StopAsync());
        }
        _channels.Clear();
        await Task.WhenAll(stopping).ConfigureAwait(false);
        _client.Dispose();
    }
}
