namespace Collage.Transforms.Mounts;

/// <summary>A local repository-name prefix mounted on an upstream namespace.</summary>
/// <param name="LocalPrefix">Normalised local prefix; empty for the root mount <c>/</c>.</param>
/// <param name="Upstream">The registry the mount points at.</param>
/// <param name="UpstreamPrefix">Normalised upstream namespace; empty for a whole registry.</param>
/// <param name="ConfigKey">The configuration key that declared it, for messages.</param>
internal sealed record Mount(string LocalPrefix, Upstream Upstream, string UpstreamPrefix, string ConfigKey)
{
    /// <summary>The number of name segments in <see cref="LocalPrefix"/>; the longest prefix wins.</summary>
    public int Depth { get; } = LocalPrefix.Length == 0 ? 0 : LocalPrefix.Count('/') + 1;
}
