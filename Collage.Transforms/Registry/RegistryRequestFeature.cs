using Collage.Transforms.Mounts;

namespace Collage.Transforms.Registry;

/// <summary>
/// What the gateway middleware learned about a repository request: the parsed request, the mount map of
/// its host and where the name lives upstream. Set once, read by the YARP pipeline and the transforms.
/// </summary>
internal sealed class RegistryRequestFeature(RegistryRequest request, MountMap map, MountResolution resolution)
{
    public RegistryRequest Request { get; } = request;

    public MountMap Map { get; } = map;

    public MountResolution Resolution { get; } = resolution;

    /// <summary>The same endpoint in upstream names, e.g. <c>/v2/coreos/etcd/manifests/v3</c>.</summary>
    public string UpstreamPath => Request.PathFor(Resolution.UpstreamName);
}
