namespace Collage.Transforms.Mounts;

/// <summary>One upstream registry: a scheme and an authority. Every mount to it shares this instance.</summary>
/// <param name="Id">Stable identity, <c>scheme://authority</c>; also the YARP cluster id.</param>
/// <param name="BaseUri">The registry's root, e.g. <c>https://quay.io/</c>.</param>
/// <param name="Authority">Lower-case <c>host[:port]</c>, the key of the <c>upstreams</c> config section.</param>
/// <param name="IsDockerHub">Docker Hub, where single-segment names live under <c>library/</c>.</param>
internal sealed record Upstream(string Id, Uri BaseUri, string Authority, bool IsDockerHub);
