using Collage.Transforms.Configuration;

namespace Collage.Transforms.Access;

/// <summary>
/// The access policy of one configuration: which identity may do what on which local repository, on which vhost.
/// Grants add up; nothing is granted that no rule names. Built once per mount table, validated at start-up.
/// </summary>
internal sealed class AccessPolicy
{
    private static readonly IReadOnlySet<string> None = new HashSet<string>();

    private readonly IReadOnlyList<AccessRule> _rules;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _groupsOfUser;

    private AccessPolicy(IReadOnlyList<AccessRule> rules, IReadOnlyDictionary<string, IReadOnlyList<string>> groupsOfUser, AccessOptions options)
    {
        _rules = rules;
        _groupsOfUser = groupsOfUser;
        Options = options;
    }

    /// <summary>The section it was built from.</summary>
    public AccessOptions Options { get; }

    /// <summary>Whether an anonymous client may pull anything at all (else <c>/v2/</c> asks it to log in).</summary>
    public bool AnonymousMayPull => _rules.Any(r => r.Anonymous && r.Actions.HasFlag(AccessAction.Pull));

    /// <summary>The identity of <paramref name="user"/>, who logged in, with the groups the config gives them.</summary>
    public AccessIdentity IdentityOf(string user) =>
        new(user, _groupsOfUser.TryGetValue(user, out var groups) ? groups.ToHashSet(StringComparer.Ordinal) : new HashSet<string>());

    /// <summary>What <paramref name="identity"/> may do on the local <paramref name="repository"/> through <paramref name="map"/>.</summary>
    public AccessAction Grants(AccessIdentity identity, string map, string repository)
    {
        var granted = AccessAction.None;
        foreach (var rule in _rules)
        {
            if ((granted & rule.Actions) != rule.Actions && rule.AppliesTo(identity, map) && rule.Repositories.Any(p => p.Matches(repository)))
            {
                granted |= rule.Actions;
            }
        }

        return granted;
    }

    /// <summary>Whether <paramref name="identity"/> holds <paramref name="action"/> on anything through <paramref name="map"/>.</summary>
    public bool HoldsAnywhere(AccessIdentity identity, string map, AccessAction action) =>
        _rules.Any(r => r.Actions.HasFlag(action) && r.AppliesTo(identity, map));

    /// <summary>
    /// Whether <paramref name="identity"/> may pull some name under the local <paramref name="prefix"/> through
    /// <paramref name="map"/> (empty for the root mount): what the web page shows of a mount.
    /// </summary>
    public bool MayPullUnder(AccessIdentity identity, string map, string prefix) =>
        _rules.Any(r => r.Actions.HasFlag(AccessAction.Pull) && r.AppliesTo(identity, map) && r.Repositories.Any(p => p.CanMatchUnder(prefix)));

    /// <summary>Compiles <paramref name="options"/>; a bad pattern or action stops start-up naming its key.</summary>
    public static AccessPolicy Build(AccessOptions options)
    {
        var rules = new List<AccessRule>();
        var both = AccessAction.Pull | AccessAction.Catalog;
        if (options.Anonymous.Count > 0)
        {
            rules.Add(new AccessRule(Patterns("access:anonymous", options.Anonymous), None, None, both, None, Anonymous: true));
        }

        if (options.Authenticated.Count > 0)
        {
            rules.Add(new AccessRule(Patterns("access:authenticated", options.Authenticated), None, None, both, None, Everyone: true));
        }

        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var key = $"access:rules:{i}";
            if (rule.Repositories.Count == 0)
            {
                throw new CollageConfigException($"{key}:repositories", "a rule needs the repositories it grants, e.g. [\"internal/**\"].");
            }

            if (rule.Users.Count == 0 && rule.Groups.Count == 0)
            {
                throw new CollageConfigException(key, "a rule grants to nobody. Name its users or groups (use 'authenticated' for every user, 'anonymous' for everyone).");
            }

            rules.Add(new AccessRule(
                Patterns($"{key}:repositories", rule.Repositories),
                rule.Users.ToHashSet(StringComparer.Ordinal),
                rule.Groups.ToHashSet(StringComparer.Ordinal),
                Actions($"{key}:actions", rule.Actions),
                rule.Vhosts.Select(v => v.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal)));
        }

        var groupsOfUser = options.Groups
            .SelectMany(g => g.Value.Select(user => (User: user, Group: g.Key)))
            .GroupBy(e => e.User, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(e => e.Group).ToList(), StringComparer.Ordinal);
        return new AccessPolicy(rules, groupsOfUser, options);
    }

    private static List<RepositoryPattern> Patterns(string key, IReadOnlyList<string> texts)
    {
        var patterns = new List<RepositoryPattern>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (!RepositoryPattern.TryParse(texts[i], out var pattern))
            {
                throw new CollageConfigException($"{key}:{i}", $"'{texts[i]}' is not a repository pattern. Use name segments separated by '/', '*' for one segment and '**' for any below, e.g. \"internal/**\".");
            }

            patterns.Add(pattern);
        }

        return patterns;
    }

    private static AccessAction Actions(string key, IReadOnlyList<string> actions)
    {
        var granted = AccessAction.None;
        foreach (var action in actions)
        {
            granted |= action.Trim().ToLowerInvariant() switch
            {
                "pull" => AccessAction.Pull,
                "catalog" => AccessAction.Catalog,
                _ => throw new CollageConfigException(key, $"'{action}' is not an action. Use \"pull\" (manifests, blobs, tags, referrers) or \"catalog\" (listed in _catalog)."),
            };
        }

        return granted == AccessAction.None ? AccessAction.Pull : granted;
    }
}
