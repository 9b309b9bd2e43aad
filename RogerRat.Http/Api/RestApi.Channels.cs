using Microsoft.Extensions.Logging;
using System.Text.Json;
using RogerRat.Core;

namespace RogerRat.Http.Api;

public sealed partial class RestApi
{
    // POST /api/channels (reference §2.4, PROTOCOL §2.3 adds require_identity): the body counts only as JSON.
    private ApiResponse CreateChannel(IApiRequest r)
    {
        var isJson = r.Header("Content-Type")?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;
        return CreateChannel(isJson ? r.Body : default, Presets.Resolve(r.Header("Host")), ClientAddress(r));
    }

    /// <summary>Creates a channel from a JSON body in a host mode, rate-limited per <paramref name="client"/>; the REST
    /// route and MCP <c>create_channel</c> share it.</summary>
    public ApiResponse CreateChannel(ReadOnlyMemory<byte> json, HubMode mode, string client)
    {
        RateLimiter.Decision? decision = null;
        if (_createLimiter is not null)
        {
            var d = _createLimiter.Take(client);
            if (!d.Allowed) return RateLimited(_createLimiter, d, $"rate limit exceeded ({_createLimiter.Limit} channel creations/min per IP)");
            decision = d;
        }
        try
        {
            var response = CreateChannelCore(json, mode);
            if (decision is { } dd) ApplyRateHeaders(response, _createLimiter!, dd);
            return response;
        }
        catch (HubException e)
        {
            return ErrorResponse(e.Error);
        }
    }

    private ApiResponse CreateChannelCore(ReadOnlyMemory<byte> json, HubMode mode)
    {
        using var body = JsonBody.Parse(json);
        var preset = Presets.For(mode);

        Retention? retention = body.Get("retention") is { } rv
            ? CreateChannelSpec.ParseRetention(rv.ValueKind == JsonValueKind.String ? rv.GetString() : null)
            : null;
        TrustMode? trust = body.Get("trust_mode") is { } tv
            ? CreateChannelSpec.ParseTrustMode(tv.ValueKind == JsonValueKind.String ? tv.GetString() : null)
            : null;
        string? password = null;
        if (body.Get("owner_password") is { } pv)
        {
            if (pv.ValueKind != JsonValueKind.String) throw new HubException(HubErrors.OwnerPasswordNotString);
            password = pv.GetString()!.Trim();
            if (password.Length == 0) password = null;
        }
        double? ttl = null;
        if (body.Get("session_ttl_seconds") is { } sv)
        {
            if (sv.ValueKind != JsonValueKind.Number || !sv.TryGetDouble(out var seconds)) throw new HubException(HubErrors.SessionTtlNotNumber);
            ttl = seconds;
        }
        var requireIdentity = false;
        if (body.Get("require_identity") is { } iv)
        {
            if (iv.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw new HubException(HubErrors.RequireIdentityNotBoolean);
            requireIdentity = iv.GetBoolean();
        }

        if (preset is not null)
        {
            retention ??= preset.Retention;
            trust ??= preset.TrustMode;
            ttl ??= preset.SessionTtlSeconds;
            if (password is null && preset.AutoMintOwnerPassword) password = _hub.MintOwnerPassword();
        }

        var created = _hub.CreateChannel(new CreateChannelSpec
        {
            Retention = retention ?? Retention.None,
            TrustMode = trust ?? TrustMode.Untrusted,
            OwnerPassword = password,
            SessionTtlSeconds = ttl,
            RequireIdentity = requireIdentity,
        });
        _logger.LogInformation("channel {ChannelId} created (retention {Retention}, trust {Trust}, mode {Mode})", created.Channel.Id,
            ChannelSettings.Name(created.Channel.Settings.Retention), ChannelSettings.Name(created.Channel.Settings.TrustMode), mode);

        var info = new ConnectInfo(_options.Origin, created.Channel, created.JoinToken, created.OwnerPassword, mode);
        var bytes = WireJson.Write(info, static (w, info) =>
        {
            w.WriteStartObject();
            info.WriteFields(w);
            var s = info.Channel.Settings;
            w.WriteString("retention"u8, ChannelSettings.Name(s.Retention));
            w.WriteString("trust_mode"u8, ChannelSettings.Name(s.TrustMode));
            w.WriteNumber("session_ttl_seconds"u8, (long)Math.Floor(s.SessionTtl.TotalSeconds));
            w.WriteBoolean("has_owner_password"u8, s.OwnerPassword is not null);
            if (info.OwnerPassword is null) w.WriteNull("owner_password"u8);
            else w.WriteString("owner_password"u8, info.OwnerPassword);
            w.WriteBoolean("require_identity"u8, s.RequireIdentity);
            w.WriteEndObject();
        });
        return new ApiResponse(200, ApiResponse.Json, bytes);
    }

    // GET /api/channels/:id (reference §2.5), no auth.
    private ApiResponse ChannelInfo(string id)
    {
        if (!_hub.TryGetChannel(id, out var channel))
        {
            return ErrorResponse(HubErrors.ChannelNotFound with
            {
                Hint = $"Create one with: POST {_options.Origin}/api/channels (no auth required). See {_options.Origin}/llms.txt for the quickstart.",
            });
        }
        var state = (channel, origin: _options.Origin);
        return new ApiResponse(200, ApiResponse.Json, WireJson.Write(state, static (w, st) =>
        {
            var (ch, origin) = st;
            var s = ch.Settings;
            var b = $"{origin}/api/channels/{ch.Id}";
            w.WriteStartObject();
            w.WriteString("channel_id"u8, ch.Id);
            w.WriteBoolean("exists"u8, true);
            w.WriteString("retention"u8, ChannelSettings.Name(s.Retention));
            w.WriteString("trust_mode"u8, ChannelSettings.Name(s.TrustMode));
            w.WriteBoolean("has_owner_password"u8, s.OwnerPassword is not null);
            w.WriteNumber("session_ttl_seconds"u8, (long)Math.Round(s.SessionTtl.TotalSeconds));
            w.WriteBoolean("is_band"u8, s.IsBand);
            w.WriteBoolean("require_identity"u8, s.RequireIdentity);
            w.WriteNumber("agent_count"u8, ch.AgentCount);
            w.WriteStartObject("endpoints"u8);
            w.WriteString("join"u8, $"POST {b}/join");
            w.WriteString("send"u8, $"POST {b}/send");
            w.WriteString("listen"u8, $"GET {b}/listen?timeout=30");
            w.WriteString("wait"u8, $"GET {b}/wait?timeout=120");
            w.WriteString("roster"u8, $"GET {b}/roster");
            w.WriteString("history"u8, $"GET {b}/history?n=20");
            w.WriteString("leave"u8, $"POST {b}/leave");
            w.WriteString("keepalive"u8, $"POST {b}/keepalive");
            w.WriteString("stats"u8, $"GET {b}/stats");
            w.WriteString("transcript"u8, $"GET {b}/transcript");
            w.WriteString("mcp"u8, $"{origin}/mcp/{ch.Id}");
            w.WriteEndObject();
            w.WriteString("auth"u8,
                "All endpoints except this one need Authorization: Bearer <channel_token>; /send, /listen, /wait, /keepalive and /leave also need the X-Session-Id returned by /join.");
            w.WriteString("docs"u8, $"{origin}/llms.txt");
            w.WriteEndObject();
        }));
    }

    // GET /api/bands (reference §2.6).
    private ApiResponse Bands()
    {
        var state = (_hub, origin: _options.Origin);
        return new ApiResponse(200, ApiResponse.Json, WireJson.Write(state, static (w, st) =>
        {
            w.WriteStartObject();
            w.WriteStartArray("bands"u8);
            foreach (var (id, description) in Hub.BandDescriptions)
            {
                st._hub.TryGetChannel(id, out var band);
                w.WriteStartObject();
                w.WriteString("name"u8, id);
                w.WriteString("description"u8, description);
                w.WriteNumber("agent_count"u8, band?.AgentCount ?? 0);
                w.WriteString("join_url"u8, $"{st.origin}/api/channels/{id}/join");
                w.WriteStartObject("mcp_args"u8);
                w.WriteString("channel_id"u8, id);
                w.WriteString("token"u8, "public");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }));
    }

    // GET /api/stats (reference §9.2).
    private ApiResponse GlobalStats()
    {
        var stats = _hub.Stats;
        return new ApiResponse(200, ApiResponse.Json, WireJson.Write(stats, static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteNumber("channels_created"u8, s.ChannelsCreated);
            w.WriteNumber("joins_total"u8, s.JoinsTotal);
            w.WriteNumber("messages_total"u8, s.MessagesTotal);
            w.WriteNumber("started_at"u8, s.StartedAt);
            w.WriteEndObject();
        }));
    }
}
