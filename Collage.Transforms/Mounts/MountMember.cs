namespace Collage.Transforms.Mounts;

/// <summary>One upstream namespace behind a mount: the registry and the namespace on it.</summary>
/// <param name="Upstream">The registry.</param>
/// <param name="UpstreamPrefix">Normalised upstream namespace; empty for a whole registry.</param>
internal sealed record MountMember(Upstream Upstream, string UpstreamPrefix);
