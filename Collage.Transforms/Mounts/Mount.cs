using Collage.Transforms.Configuration;

namespace Collage.Transforms.Mounts;

/// <summary>
/// A local repository-name prefix mounted on an upstream namespace, or on an upstream group: several namespaces in
/// order, the first one (<see cref="Upstream"/>, <see cref="UpstreamPrefix"/>) the primary.
/// </summary>
/// <param name="LocalPrefix">Normalised local prefix; empty for the root mount <c>/</c>.</param>
/// <param name="Upstream">The registry the mount points at (a group's first member).</param>
/// <param name="UpstreamPrefix">Normalised upstream namespace; empty for a whole registry.</param>
/// <param name="ConfigKey">The configuration key that declared it, for messages.</param>
internal sealed record Mount(string LocalPrefix, Upstream Upstream, string UpstreamPrefix, string ConfigKey)
{
    /// <summary>The number of name segments in <see cref="LocalPrefix"/>; the longest prefix wins.</summary>
    public int Depth { get; } = LocalPrefix.Length == 0 ? 0 : LocalPrefix.Count('/') + 1;

    /// <summary>The upstream namespaces behind the mount, first choice first; one for a plain mount.</summary>
    public IReadOnlyList<MountMember> Members { get; init; } = [new(Upstream, UpstreamPrefix)];

    /// <summary>Which members answer by-tag requests of a group.</summary>
    public GroupTagPolicy Tags { get; init; } = GroupTagPolicy.FirstHealthy;

    /// <summary>Whether the mount is an upstream group (more than one member).</summary>
    public bool IsGroup => Members.Count > 1;

    /// <summary>
    /// The group's identity, from its configuration key (<c>group:mappings:library</c>): its YARP cluster and its
    /// cached namespace, stable across reloads that keep the key.
    /// </summary>
    public string GroupId => $"group:{ConfigKey}";

    /// <summary>
    /// The repository name <paramref name="remainder"/> (the local name past <see cref="LocalPrefix"/>) has on member
    /// <paramref name="member"/>, or null when that member holds no repository there (a whole registry's own root).
    /// </summary>
    public string? UpstreamNameFor(int member, string remainder)
    {
        var (upstream, prefix) = Members[member];
        var name = prefix.Length == 0 ? remainder : remainder.Length == 0 ? prefix : $"{prefix}/{remainder}";
        if (name.Length == 0)
        {
            return null;
        }

        // Docker Hub's official images live under library/ upstream; locally they are bare names.
        return upstream.IsDockerHub && !name.Contains('/') ? $"{DockerHub.OfficialNamespace}/{name}" : name;
    }
}
