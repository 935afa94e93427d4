namespace Collage.Transforms.Authentication;

/// <summary>
/// What token a Bearer challenge asks for (distribution token spec, "How to authenticate"): the challenge's
/// realm and service, the scope it names, and whose credentials the token is for.
/// </summary>
internal static class BearerChallenge
{
    /// <summary>
    /// The cache key of the token <paramref name="challenge"/> asks for. The challenge knows best what the upstream
    /// wants; when it names no scope, <paramref name="derivedScope"/>, the scope the request was made for
    /// (<see cref="Upstreams.UpstreamCall.Scope"/>), stands in.
    /// </summary>
    /// <param name="challenge">The Bearer challenge of a 401.</param>
    /// <param name="realm">Its realm and service, from <see cref="BearerRealm.TryCreate"/>.</param>
    /// <param name="derivedScope">The scope the request was made for, or null.</param>
    /// <param name="identity">The fingerprint of the credentials sent to the realm, or null for an anonymous token.</param>
    public static TokenCacheKey ToKey(AuthenticationChallenge challenge, BearerRealm realm, string? derivedScope, string? identity)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(realm);

        // Several scopes may be listed, separated by spaces; the key holds them normalised, one space apart.
        var scope = challenge.TryGetParameter("scope", out var challenged) && RegistryScope.Split(challenged) is { Length: > 0 } scopes
            ? string.Join(' ', scopes)
            : derivedScope;

        return new TokenCacheKey(realm.Realm, realm.Service, scope, identity);
    }
}
