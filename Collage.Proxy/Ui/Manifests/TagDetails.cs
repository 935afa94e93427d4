namespace Collage.Proxy.Ui.Manifests;

/// <summary>Everything the tag page shows of one manifest, read through <c>/v2/</c> by <see cref="TagLoader"/>.</summary>
/// <param name="Digest">The manifest's digest.</param>
/// <param name="Manifest">The manifest.</param>
/// <param name="Platforms">For an index: each entry with its own total size (null when it could not be read).</param>
/// <param name="Config">The image config: of the manifest, or for an index of its first platform; null when unread.</param>
/// <param name="ConfigPlatform">For an index, the platform <paramref name="Config"/> belongs to.</param>
/// <param name="Referrers">The manifests that name this one as their subject (signatures, SBOMs).</param>
internal sealed record TagDetails(
    string Digest,
    UiManifest Manifest,
    IReadOnlyList<(UiDescriptor Entry, long? Size)> Platforms,
    UiImageConfig? Config,
    string? ConfigPlatform,
    IReadOnlyList<UiDescriptor> Referrers)
{
    /// <summary>What a pull transfers: config and layers, for an index summed over the platforms read.</summary>
    public long TotalSize => Manifest.IsIndex ? Platforms.Sum(p => p.Size ?? 0) : Manifest.ImageSize;
}
