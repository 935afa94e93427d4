namespace Collage.Transforms.Mounts;

/// <summary>Where a local repository name lives upstream: on one member of its mount (the first, unless failed over).</summary>
/// <param name="Mount">The mount that matched (longest segment prefix).</param>
/// <param name="UpstreamName">The repository name to ask the member for.</param>
/// <param name="Member">Which of the mount's members: 0, the primary, unless a group failed over.</param>
/// <param name="Remainder">The local name past the mount's prefix, from which every member's name follows.</param>
internal readonly record struct MountResolution(Mount Mount, string UpstreamName, int Member = 0, string Remainder = "")
{
    /// <summary>The member's registry.</summary>
    public Upstream Upstream => Mount.Members[Member].Upstream;

    /// <summary>
    /// The key the pull-through cache keeps a repository's grants and tags under: the upstream and its name, or for a
    /// group the group and the local remainder (a group is one cached namespace, whichever member served the bytes).
    /// </summary>
    public string CacheRepository => Mount.IsGroup ? $"{Mount.GroupId}/{Remainder}" : $"{Upstream.Authority}/{UpstreamName}";

    /// <summary>The same name on member <paramref name="member"/>, or null when that member has no repository for it.</summary>
    public MountResolution? ForMember(int member) =>
        Mount.UpstreamNameFor(member, Remainder) is { } name ? new MountResolution(Mount, name, member, Remainder) : null;
}
