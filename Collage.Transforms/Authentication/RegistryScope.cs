namespace Collage.Transforms.Authentication;

/// <summary>
/// Token scopes (distribution token spec, "Requesting a Token"; resource scope grammar in
/// https://distribution.github.io/distribution/spec/auth/scope/). The scope a request needs is carried on the
/// request (<see cref="Upstreams.UpstreamCall.Scope"/>), never read back from its path.
/// </summary>
internal static class RegistryScope
{
    /// <summary>The scope to list the catalog.</summary>
    public const string Catalog = "registry:catalog:*";

    /// <summary>Splits a challenge's <c>scope</c>, which may list several scopes separated by spaces.</summary>
    public static string[] Split(string scope) =>
        scope.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
