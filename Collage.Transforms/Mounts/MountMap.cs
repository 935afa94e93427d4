namespace Collage.Transforms.Mounts;

/// <summary>
/// One set of mounts: the global mappings or one vhost's. Resolves local names to upstream names
/// on whole path segments (longest prefix wins, the root mount <c>/</c> is the fallback) and back.
/// </summary>
internal sealed class MountMap
{
    private readonly Dictionary<string, Mount>.AlternateLookup<ReadOnlySpan<char>> _byPrefix;
    private readonly Mount? _root;

    public MountMap(string name, IEnumerable<Mount> mounts)
    {
        Name = name;
        Mounts = mounts.OrderByDescending(m => m.Depth).ThenBy(m => m.LocalPrefix, StringComparer.Ordinal).ToArray();
        var byPrefix = new Dictionary<string, Mount>(StringComparer.Ordinal);
        foreach (var mount in Mounts)
        {
            if (mount.LocalPrefix.Length == 0)
            {
                _root = mount;
            }
            else
            {
                byPrefix.Add(mount.LocalPrefix, mount);
            }
        }

        _byPrefix = byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary><c>global</c> or the vhost key, for logs and metrics.</summary>
    public string Name { get; }

    /// <summary>The mounts, deepest first.</summary>
    public IReadOnlyList<Mount> Mounts { get; }

    /// <summary>
    /// Resolves a valid local repository name. <c>cool/stuff</c> serves <c>cool/stuff/x</c>, never
    /// <c>cool/stuffing/x</c>: candidates are the name cut at segment boundaries, longest first.
    /// </summary>
    public MountResolution? Resolve(string localName)
    {
        ReadOnlySpan<char> candidate = localName;
        while (true)
        {
            if (_byPrefix.TryGetValue(candidate, out var mount))
            {
                var remainder = candidate.Length == localName.Length ? string.Empty : localName[(candidate.Length + 1)..];
                return Map(mount, remainder);
            }

            var slash = candidate.LastIndexOf('/');
            if (slash < 0)
            {
                break;
            }

            candidate = candidate[..slash];
        }

        return _root is null ? null : Map(_root, localName);
    }

    /// <summary>
    /// The preferred local name under which <paramref name="upstreamName"/> of <paramref name="upstream"/> is
    /// visible in this map (the deepest mount's), or <c>null</c>.
    /// </summary>
    public string? ToLocal(Upstream upstream, string upstreamName) => ToLocalNames(upstream, upstreamName).FirstOrDefault();

    /// <summary>
    /// Every local name under which <paramref name="upstreamName"/> of <paramref name="upstream"/> is visible
    /// in this map, deepest mount first. A candidate counts only if it resolves back to the same upstream
    /// name, so a deeper mount that shadows it is respected.
    /// </summary>
    public IEnumerable<string> ToLocalNames(Upstream upstream, string upstreamName)
    {
        foreach (var mount in Mounts)
        {
            for (var member = 0; member < mount.Members.Count; member++)
            {
                if (mount.Members[member].Upstream.Id != upstream.Id)
                {
                    continue;
                }

                // Docker Hub's official images answer as library/x upstream; locally they are x.
                if (upstream.IsDockerHub && upstreamName.StartsWith(DockerHub.OfficialNamespace + "/", StringComparison.Ordinal)
                    && upstreamName.Count('/') == 1
                    && TryLocal(mount, member, upstreamName[(DockerHub.OfficialNamespace.Length + 1)..], upstreamName) is { } official)
                {
                    yield return official;
                }

                if (TryLocal(mount, member, upstreamName, upstreamName) is { } local)
                {
                    yield return local;
                }
            }
        }
    }

    private string? TryLocal(Mount mount, int member, string name, string expectedUpstreamName)
    {
        var prefix = mount.Members[member].UpstreamPrefix;
        string remainder;
        if (prefix.Length == 0)
        {
            remainder = name;
        }
        else if (name.Length == prefix.Length && name == prefix)
        {
            remainder = string.Empty;
        }
        else if (name.Length > prefix.Length && name[prefix.Length] == '/' && name.StartsWith(prefix, StringComparison.Ordinal))
        {
            remainder = name[(prefix.Length + 1)..];
        }
        else
        {
            return null;
        }

        var local = Join(mount.LocalPrefix, remainder);
        return local.Length > 0 && Resolve(local) is { } back && back.Mount == mount && back.ForMember(member)?.UpstreamName == expectedUpstreamName
            ? local
            : null;
    }

    private static MountResolution? Map(Mount mount, string remainder) =>
        // A mount of a whole registry has no repository at its own prefix.
        mount.UpstreamNameFor(0, remainder) is { } upstreamName ? new MountResolution(mount, upstreamName, 0, remainder) : null;

    private static string Join(string prefix, string remainder) =>
        prefix.Length == 0 ? remainder : remainder.Length == 0 ? prefix : $"{prefix}/{remainder}";
}
