using Microsoft.Extensions.Logging;

namespace RogerRat.Core.Service;

/// <summary>A created channel with what its creator is told: the connect info and the preset's mode.</summary>
public sealed record ChannelCreated(CreatedChannel Created, ConnectInfo Connect, RateLimitDecision? Rate)
{
    /// <summary>The channel created (<see cref="CreatedChannel.Channel"/> of <see cref="Created"/>).</summary>
    public Channel Channel => Created.Channel;
}

public sealed partial class HubService
{
    /// <summary>Creates a channel in a host mode for <paramref name="client"/>; the host mode's preset fills unset fields.</summary>
    public async ValueTask<ChannelCreated> CreateChannelAsync(CreateCommand command, HubMode mode, string client, CancellationToken cancellationToken = default)
    {
        var rate = Take(_createLimiter, client, "channel creations/min per IP");
        var preset = Presets.For(mode);
        var password = command.OwnerPassword;
        if (preset is not null && password is null && preset.AutoMintOwnerPassword) password = Hub.MintOwnerPassword();
        var created = await Hub.CreateChannelAsync(new CreateChannelSpec
        {
            Retention = command.Retention ?? preset?.Retention ?? Retention.None,
            TrustMode = command.TrustMode ?? preset?.TrustMode ?? TrustMode.Untrusted,
            OwnerPassword = password,
            SessionTtlSeconds = command.SessionTtlSeconds ?? preset?.SessionTtlSeconds,
            RequireIdentity = command.RequireIdentity,
        }, cancellationToken).ConfigureAwait(false);
        var settings = created.Channel.Settings;
        Transcripts.ChannelCreated(created.Channel);
        _logger.LogInformation("channel {ChannelId} created (retention {Retention}, trust {Trust}, mode {Mode})", created.Channel.Id,
            ChannelSettings.Name(settings.Retention), ChannelSettings.Name(settings.TrustMode), mode);
        return new(created, new ConnectInfo(Options.Origin, created.Channel, created.JoinToken, created.OwnerPassword, mode), rate);
    }
}
