namespace Collage.Transforms.Authentication;

/// <summary>
/// What a Bearer token was issued for: the token server (realm), the service it names, the scopes asked
/// (space-separated, as in the challenge's <c>scope</c> parameter), and who asked: the
/// <see cref="Credentials.UpstreamCredential.Fingerprint"/> of the credentials sent, or null for an anonymous
/// token. Tokens of different credentials never share an entry. Compared ordinally.
/// </summary>
internal readonly record struct TokenCacheKey(string Realm, string? Service, string? Scope, string? Identity = null);
