using RogerRat.Core;

namespace RogerRat.Http.Webhooks;

/// <summary>
/// The webhooks of one channel.
/// <para>Concurrency design. Registration and deletion take <c>_gate</c> and publish a new copy of <c>_hooks</c>; the
/// channel's append callback (<see cref="OnAppended"/>) reads the array once without a lock. The channel's callback is
/// set while at least one webhook exists and cleared with the last, so a channel without webhooks pays one null read.</para>
/// </summary>
internal sealed class ChannelWebhooks
{
    private readonly Lock _gate = new();
    private readonly Action<ChannelMessage> _onAppended;
    private volatile Webhook[] _hooks = [];

    public ChannelWebhooks(Channel channel)
    {
        Channel = channel;
        _onAppended = OnAppended;
    }

    public Channel Channel { get; }

    public Webhook[] Hooks => _hooks;

    public bool TryAdd(Webhook hook, int max)
    {
        lock (_gate)
        {
            if (_hooks.Length >= max) return false;
            _hooks = [.. _hooks, hook];
            if (_hooks.Length == 1) Channel.OnAppended(_onAppended);
        }
        hook.Start();
        return true;
    }

    public Webhook? Remove(string id)
    {
        lock (_gate)
        {
            var hooks = _hooks;
            for (var i = 0; i < hooks.Length; i++)
            {
                if (hooks[i].Id != id) continue;
                _hooks = [.. hooks[..i], .. hooks[(i + 1)..]];
                if (_hooks.Length == 0) Channel.OnAppended(null);
                return hooks[i];
            }
        }
        return null;
    }

    /// <summary>Empties the set and returns what it held.</summary>
    public Webhook[] Clear()
    {
        lock (_gate)
        {
            var hooks = _hooks;
            _hooks = [];
            Channel.OnAppended(null);
            return hooks;
        }
    }

    private void OnAppended(ChannelMessage message)
    {
        foreach (var hook in _hooks) hook.Offer(message);
    }
}
