using RogerRat.Core;

namespace RogerRat.Http.Api;

/// <summary>The REST face's one table from a hub error reason to its HTTP status (reference Appendix A).</summary>
internal static class RestErrors
{
    public static int Status(HubErrorReason reason) => reason switch
    {
        HubErrorReason.Invalid or HubErrorReason.InvalidJson or HubErrorReason.InvalidBody or HubErrorReason.NotJoined => 400,
        HubErrorReason.Unauthorized or HubErrorReason.IdentityRequired => 401,
        HubErrorReason.NotFound => 404,
        HubErrorReason.CallsignTaken => 409,
        HubErrorReason.SessionExpired => 410,
        HubErrorReason.TooLarge => 413,
        HubErrorReason.IdempotencyKeyReused => 422,
        HubErrorReason.RateLimited => 429,
        HubErrorReason.CapacityExceeded or HubErrorReason.Unavailable or HubErrorReason.StoreUnavailable => 503,
        _ => 500,
    };
}
