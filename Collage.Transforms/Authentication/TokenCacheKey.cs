namespace Collage.Transforms.Authentication;

/// <summary>
/// What a Bearer token was issued for: the token server (realm), the service it names, and the
/// scopes asked (space-separated, as in the challenge's <c>scope</c> parameter). Compared ordinally.
/// </summary>
internal readonly record struct TokenCacheKey(string Realm, string? Service, string? Scope);
