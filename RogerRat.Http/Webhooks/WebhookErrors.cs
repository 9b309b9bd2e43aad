using RogerRat.Core;

namespace RogerRat.Http.Webhooks;

/// <summary>The webhooks' part of the error catalogue (PROTOCOL §4); <see cref="HubErrors"/> is not partial.</summary>
internal static class WebhookErrors
{
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 256;

    public static readonly HubError UrlRequired = new(HubErrorReason.Invalid, "url required: the absolute http(s) URL to POST each message to");
    public static readonly HubError UrlMalformed = new(HubErrorReason.Invalid, "url must be an absolute http:// or https:// URL without user info");
    public static HubError UrlTooLong(int max) => new(HubErrorReason.TooLarge, $"url must be at most {max} characters");
    public static readonly HubError UrlPrivate = new(HubErrorReason.Invalid,
        "url points at a loopback, link-local, private or otherwise non-public address; this hub refuses those (it runs without --allow-private-webhooks)");
    public static readonly HubError SecretLength = new(HubErrorReason.Invalid,
        $"secret must be {MinSecretLength}-{MaxSecretLength} printable ASCII characters (omit it to have one minted)");
    public static HubError TooManyWebhooks(int max) => new(HubErrorReason.CapacityExceeded,
        $"this channel already has {max} webhooks, the most it may; delete one first");
    public static readonly HubError NotOnBands = new(HubErrorReason.Invalid,
        "public bands take no webhooks (anyone may use a band's bearer); create a channel of your own");
    public static readonly HubError WebhookNotFound = new(HubErrorReason.NotFound, "webhook not found");
}
