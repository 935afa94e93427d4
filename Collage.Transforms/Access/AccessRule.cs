namespace Collage.Transforms.Access;

/// <summary>One grant, compiled: <see cref="Actions"/> on names matching <see cref="Repositories"/> for its principals.</summary>
/// <param name="Repositories">The patterns.</param>
/// <param name="Users">User names granted; empty with <paramref name="Everyone"/>.</param>
/// <param name="Groups">Group names granted.</param>
/// <param name="Actions">What is granted.</param>
/// <param name="Vhosts">The maps the rule applies on; empty for all.</param>
/// <param name="Everyone">Granted to any user who logged in (the <c>authenticated</c> list), or to anyone (<c>anonymous</c>).</param>
/// <param name="Anonymous">Granted without logging in.</param>
internal sealed record AccessRule(
    IReadOnlyList<RepositoryPattern> Repositories,
    IReadOnlySet<string> Users,
    IReadOnlySet<string> Groups,
    AccessAction Actions,
    IReadOnlySet<string> Vhosts,
    bool Everyone = false,
    bool Anonymous = false)
{
    /// <summary>Whether the rule applies to <paramref name="identity"/> on <paramref name="map"/>.</summary>
    public bool AppliesTo(AccessIdentity identity, string map) =>
        (Vhosts.Count == 0 || Vhosts.Contains(map))
        && (Anonymous
            || (!identity.IsAnonymous && (Everyone || Users.Contains(identity.User!) || identity.Groups.Overlaps(Groups))));
}
