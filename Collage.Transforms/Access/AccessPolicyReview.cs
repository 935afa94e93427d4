using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Access;

/// <summary>
/// What looks wrong in an access policy without being an error, said at start-up and on every reload: a rule naming a
/// user the htpasswd file does not have or a group no one is in (a typo grants nothing, silently), and a repository
/// pattern that matches nothing mounted. Users and groups are not judged when an OIDC issuer is configured: its tokens
/// bring users and groups the config cannot know.
/// </summary>
internal static partial class AccessPolicyReview
{
    /// <summary>Logs a warning for each of <see cref="Warnings"/> of <paramref name="table"/>'s policy, if it has one.</summary>
    public static void Log(ILogger logger, MountTable table)
    {
        if (table.Access is not { } policy)
        {
            return;
        }

        IReadOnlySet<string>? users = null;
        if (policy.Options.Htpasswd is { } path)
        {
            try
            {
                users = HtpasswdUsers.Parse(File.ReadAllLines(path)).Keys.ToHashSet(StringComparer.Ordinal);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // HtpasswdUsers says why when it reads the file; users are then not judged.
            }
        }

        foreach (var (key, message) in Warnings(policy.Options, table, users, externalIdentities: policy.Options.Oidc is not null))
        {
            LogWarning(logger, key, message);
        }
    }

    /// <summary>Each warning as (config key, message).</summary>
    /// <param name="options">The policy's section.</param>
    /// <param name="table">The mounts it applies to.</param>
    /// <param name="htpasswdUsers">The users of the htpasswd file; null when there is none (or it does not read).</param>
    /// <param name="externalIdentities">Whether an identity provider brings users and groups of its own (OIDC).</param>
    public static IReadOnlyList<(string Key, string Message)> Warnings(AccessOptions options, MountTable table, IReadOnlySet<string>? htpasswdUsers, bool externalIdentities)
    {
        var warnings = new List<(string, string)>();
        var maps = new[] { table.Global }.Concat(table.Vhosts.Values).ToList();
        Patterns(warnings, "access:anonymous", options.Anonymous, maps);
        Patterns(warnings, "access:authenticated", options.Authenticated, maps);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var key = $"access:rules:{i}";
            var vhosts = rule.Vhosts.Select(v => v.Trim().ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
            Patterns(warnings, $"{key}:repositories", rule.Repositories, vhosts.Count == 0 ? maps : maps.Where(m => vhosts.Contains(m.Name)).ToList());
            foreach (var vhost in vhosts.Where(v => !table.Vhosts.ContainsKey(v) && v != table.Global.Name))
            {
                warnings.Add(($"{key}:vhosts", $"'{vhost}' is not a configured vhost; the rule grants nothing there."));
            }

            if (externalIdentities)
            {
                continue;
            }

            foreach (var user in rule.Users.Where(u => htpasswdUsers is not null && !htpasswdUsers.Contains(u)))
            {
                warnings.Add(($"{key}:users", $"'{user}' is not in the htpasswd file; the grant holds once the user is added."));
            }

            foreach (var group in rule.Groups.Where(g => !options.Groups.ContainsKey(g)))
            {
                warnings.Add(($"{key}:groups", $"no group '{group}' is defined under access:groups; the grant reaches no one."));
            }
        }

        if (!externalIdentities && htpasswdUsers is not null)
        {
            foreach (var (group, members) in options.Groups)
            {
                foreach (var user in members.Where(u => !htpasswdUsers.Contains(u)))
                {
                    warnings.Add(($"access:groups:{group}", $"'{user}' is not in the htpasswd file."));
                }
            }
        }

        return warnings;
    }

    private static void Patterns(List<(string, string)> warnings, string key, IReadOnlyList<string> patterns, IReadOnlyList<MountMap> maps)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (RepositoryPattern.TryParse(patterns[i], out var pattern)
                && !maps.SelectMany(m => m.Mounts).Any(mount => pattern.CanMatchUnder(mount.LocalPrefix)))
            {
                warnings.Add(($"{key}:{i}", $"'{patterns[i]}' matches no mounted repository; it grants nothing until something is mounted there."));
            }
        }
    }

    [LoggerMessage(EventId = EventIds.AccessPolicyWarning, Level = LogLevel.Warning, Message = "Access policy: {Key}: {Message}")]
    private static partial void LogWarning(ILogger logger, string key, string message);
}
