namespace Collage.Transforms.Mounts;

/// <summary>Where a local repository name lives upstream.</summary>
/// <param name="Mount">The mount that matched (longest segment prefix).</param>
/// <param name="UpstreamName">The repository name to ask the upstream for.</param>
internal readonly record struct MountResolution(Mount Mount, string UpstreamName)
{
    public Upstream Upstream => Mount.Upstream;
}
