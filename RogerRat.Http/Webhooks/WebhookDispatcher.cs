using System.Collections.Concurrent;
using System.Net.Http;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using RogerRat.Core;
using RogerRat.Core.Storage;

namespace RogerRat.Http.Webhooks;

/// <summary>
/// A hub's webhooks (PROTOCOL §4): the registry per channel, and the one pooled <see cref="HttpClient"/> over one
/// <see cref="SocketsHttpHandler"/> whose connect step enforces the SSRF guard after DNS. Redirects are not followed
/// and no proxy is used, so the address judged is the address reached.
/// <para>Registrations live in memory and, with a durable store (<c>--data-dir</c>), in the store as extension records
/// (<see cref="WebhookRecord"/>): a registration or deletion is acknowledged once durable, and
/// <see cref="RestoreRegistrations"/> brings them back after a restart. They end when their channel does (checked when
/// a webhook is registered); the store drops a channel's records with it.</para>
/// </summary>
internal sealed class WebhookDispatcher : IAsyncDisposable
{
    private readonly Hub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly IExtensionStore? _store;
    private readonly ConcurrentDictionary<string, ChannelWebhooks> _channels = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>The hub's instruments; set before the first webhook is created.</summary>
    public RogerRat.Core.Service.HubMetrics? Metrics { get; set; }

    public WebhookDispatcher(Hub hub, WebhookOptions options, TimeProvider time, ILogger logger, IExtensionStore? store = null)
    {
        _hub = hub;
        _store = store;
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

    /// <summary>
    /// Registers a webhook on <paramref name="channel"/>, completing once the store holds it durably; refusals are
    /// <see cref="HubException"/>s (a store that cannot write: 503, and the webhook is not kept).
    /// </summary>
    public async ValueTask<Webhook> RegisterAsync(Channel channel, string? url, string? callsign, string? secret)
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
        var set = SetOf(channel);
        var hook = NewWebhook("wh_" + Token(12), channel.Id, uri!, normalized, secret ?? "whsec_" + Token(24), _time.GetUtcNow().ToUnixTimeMilliseconds());
        if (!set.TryAdd(hook, Options.MaxWebhooksPerChannel)) throw new HubException(WebhookErrors.TooManyWebhooks(Options.MaxWebhooksPerChannel));
        if (_store is not null)
        {
            try
            {
                var record = new WebhookRecord(hook.Url.OriginalString, hook.Callsign, hook.Secret, hook.CreatedAt);
                await _store.WaitDurableAsync(_store.PutExtension(channel.Id, WebhookRecord.Kind, hook.Id, record.Encode())).ConfigureAwait(false);
            }
            catch
            {
                // Not acknowledged, so not kept: the record may still be in the log, and then comes back at a restart.
                set.Remove(hook.Id);
                await hook.StopAsync().ConfigureAwait(false);
                throw;
            }
        }
        _logger.LogInformation("webhook {WebhookId} registered on channel {ChannelId} for {Host}", hook.Id, channel.Id, uri!.Host);
        return hook;
    }

    /// <summary>
    /// Puts back the registrations the store recovered (call once, before the hub serves). One whose channel is gone,
    /// that does not decode, or whose URL this hub's rules now refuse (<see cref="WebhookOptions.AllowPrivateAddresses"/>)
    /// is skipped with a warning and left in the store. Returns the number restored.
    /// </summary>
    public int RestoreRegistrations()
    {
        if (_store is null) return 0;
        var restored = 0;
        foreach (var r in _store.Recovered(WebhookRecord.Kind))
        {
            if (!_hub.TryGetChannel(r.ChannelId, out var channel) || channel.Settings.IsBand)
            {
                _logger.LogWarning("webhook {WebhookId}: its channel {ChannelId} is gone; not restored", r.Key, r.ChannelId);
                continue;
            }
            if (WebhookRecord.Decode(r.Value) is not { } record)
            {
                _logger.LogWarning("webhook {WebhookId} on channel {ChannelId}: its stored registration does not decode; not restored", r.Key, r.ChannelId);
                continue;
            }
            if (AddressGuard.CheckUrl(record.Url, Options.AllowPrivateAddresses, out var uri) is { } refused)
            {
                _logger.LogWarning("webhook {WebhookId} on channel {ChannelId}: {Reason}; not restored (it stays stored)", r.Key, r.ChannelId, refused.Message);
                continue;
            }
            var hook = NewWebhook(r.Key, r.ChannelId, uri!, record.Callsign, record.Secret, record.CreatedAt);
            // The cap held when each was registered; restoring never drops a registration the hub acknowledged.
            if (SetOf(channel).TryAdd(hook, int.MaxValue)) restored++;
        }
        if (restored > 0) _logger.LogInformation("{Count} webhook registration(s) restored from the data dir", restored);
        return restored;
    }

    private ChannelWebhooks SetOf(Channel channel) =>
        _channels.AddOrUpdate(channel.Id, static (_, ch) => new ChannelWebhooks(ch),
            static (_, existing, ch) => ReferenceEquals(existing.Channel, ch) ? existing : new ChannelWebhooks(ch), channel);

    private Webhook NewWebhook(string id, string channelId, Uri uri, string? callsign, string secret, long createdAt) =>
        new(id, channelId, uri, callsign, secret, createdAt, _client, Options, _time, _logger) { Metrics = Metrics };

    public Webhook[] List(Channel channel) =>
        _channels.TryGetValue(channel.Id, out var set) && ReferenceEquals(set.Channel, channel) ? set.Hooks : [];

    /// <summary>Removes a webhook and stops its deliveries, completing once the store forgot it; false when the channel has no such webhook.</summary>
    public async Task<bool> DeleteAsync(Channel channel, string webhookId)
    {
        if (!_channels.TryGetValue(channel.Id, out var set) || !ReferenceEquals(set.Channel, channel)) return false;
        if (set.Remove(webhookId) is not { } hook) return false;
        await hook.StopAsync().ConfigureAwait(false);
        // Deliveries stop at once; the deletion is acknowledged once the store has forgotten the registration too.
        if (_store is not null) await _store.WaitDurableAsync(_store.PutExtension(channel.Id, WebhookRecord.Kind, webhookId, null)).ConfigureAwait(false);
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
