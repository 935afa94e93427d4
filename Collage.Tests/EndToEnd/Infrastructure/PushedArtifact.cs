namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>An <see cref="OciArtifact"/> as <see cref="RegistryPusher"/> put it into a registry.</summary>
/// <param name="Repository">The upstream repository.</param>
/// <param name="Reference">The tag it was put under, or its digest when untagged.</param>
/// <param name="Digest">The manifest's digest (the registry's <c>Docker-Content-Digest</c>).</param>
/// <param name="Manifest">The exact manifest bytes pushed.</param>
/// <param name="Artifact">What was pushed.</param>
internal sealed record PushedArtifact(string Repository, string Reference, string Digest, byte[] Manifest, OciArtifact Artifact)
{
    /// <summary>The blobs pushed, by digest: config and layers.</summary>
    public IReadOnlyDictionary<string, byte[]> Blobs => Artifact.Blobs.DistinctBy(b => Sha256Digest.Of(b)).ToDictionary(b => Sha256Digest.Of(b), b => b);

    /// <summary>The descriptor of the manifest, with its <c>artifactType</c> and annotations (as oras lists it in a referrers index).</summary>
    public OciDescriptor Descriptor => new(OciMediaTypes.ImageManifest, Digest, Manifest.Length, Artifact.ArtifactType, Artifact.Annotations);
}
