namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>A single-platform image written by <see cref="OciImageLayout"/>.</summary>
/// <param name="Tag">The tag in the layout's index.json, or null for an image only reachable through an index.</param>
/// <param name="ManifestDigest">The digest of the manifest bytes (what a registry reports as Docker-Content-Digest).</param>
/// <param name="ManifestBytes">The exact manifest bytes.</param>
/// <param name="ConfigDigest">The digest of the config blob.</param>
/// <param name="Layers">The layers, bottom first.</param>
/// <param name="Architecture">The platform architecture, e.g. <c>amd64</c>.</param>
/// <param name="Os">The platform OS, e.g. <c>linux</c>.</param>
internal sealed record ImageRef(
    string? Tag,
    string ManifestDigest,
    byte[] ManifestBytes,
    string ConfigDigest,
    IReadOnlyList<LayerRef> Layers,
    string Architecture,
    string Os)
{
    /// <summary>The layer blob digests, bottom first.</summary>
    public IReadOnlyList<string> LayerDigests => [.. Layers.Select(l => l.Digest)];

    /// <summary>Every blob digest the image needs: config then layers.</summary>
    public IReadOnlyList<string> BlobDigests => [ConfigDigest, .. LayerDigests];
}
