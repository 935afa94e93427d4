using Collage.Transforms.Access;
using Collage.Transforms.Mounts;

namespace Collage.Proxy.Ui;

/// <summary>Who looks at the page, and so which mounts it shows: all of them without access control.</summary>
/// <param name="Identity">The user who logged in with Basic credentials, or anonymous.</param>
/// <param name="Policy">The access policy in force, or null when every client may pull every mount.</param>
internal sealed record UiViewer(AccessIdentity Identity, AccessPolicy? Policy)
{
    /// <summary>Whether the viewer may pull some name under <paramref name="mount"/> of <paramref name="map"/>.</summary>
    public bool MaySee(MountMap map, Mount mount) => Policy is null || Policy.MayPullUnder(Identity, map.Name, mount.LocalPrefix);
}
