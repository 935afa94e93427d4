using System.Diagnostics.CodeAnalysis;

namespace Collage.Transforms.Authentication;

/// <summary>The token server (realm) and service an upstream's Bearer challenge named.</summary>
internal sealed record BearerRealm(string Realm, string? Service)
{
    /// <summary>
    /// Reads the realm and service of a Bearer challenge (RFC 6750 section 3; distribution token spec,
    /// "How to authenticate"). False when the challenge is not Bearer or its realm is missing or unusable,
    /// in which case no token request may be made from it. An empty service counts as none.
    /// </summary>
    public static bool TryCreate(AuthenticationChallenge challenge, [NotNullWhen(true)] out BearerRealm? realm)
    {
        ArgumentNullException.ThrowIfNull(challenge);

        // The realm is where the token request goes, credentials and all: an absolute http(s) URI with a
        // host, and no userinfo, which would put credentials in a URI (RFC 9110 section 4.2.4 deprecates
        // it) and in logs.
        if (!challenge.IsBearer
            || !challenge.TryGetParameter("realm", out var value)
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0
            || uri.Host.Length == 0)
        {
            realm = null;
            return false;
        }

        challenge.TryGetParameter("service", out var service);
        realm = new BearerRealm(value, string.IsNullOrEmpty(service) ? null : service);
        return true;
    }
}
