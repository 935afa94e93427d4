namespace Collage.Transforms.Access.Tokens;

/// <summary>
/// What a token from Collage's token endpoint says, once its signature, audience and lifetime were checked: whose it
/// is, on which mount map, and the grants it carries (only ever what the policy granted when it was issued).
/// </summary>
/// <param name="Identity">The user it was issued to (with their groups), or anonymous.</param>
/// <param name="Map">The mount map (vhost) it was issued on: a token for one vhost holds on no other.</param>
/// <param name="Pull">The local repositories it may pull.</param>
/// <param name="Catalog">Whether it may list the catalog.</param>
/// <param name="ExpiresAt">When it stops holding.</param>
/// <param name="IsRefresh">Whether it is a refresh token (which buys tokens and opens nothing itself).</param>
internal sealed record AccessToken(AccessIdentity Identity, string Map, IReadOnlySet<string> Pull, bool Catalog, DateTimeOffset ExpiresAt, bool IsRefresh)
{
    /// <summary>Whether it grants <paramref name="action"/> on <paramref name="repository"/> (ignored for the catalog).</summary>
    public bool Grants(AccessAction action, string repository) =>
        !IsRefresh && action switch
        {
            AccessAction.Catalog => Catalog,
            AccessAction.Pull => Pull.Contains(repository),
            _ => false,
        };
}
