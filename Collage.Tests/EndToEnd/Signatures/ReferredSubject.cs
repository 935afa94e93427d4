using System.Text.Json.Nodes;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Signatures;

/// <summary>An image in the upstream with what refers to it, as <see cref="ReferrersFixture"/> pushed it.</summary>
/// <param name="Repository">The repository under <c>team/</c> (the local name's last part).</param>
/// <param name="Image">The subject image, tagged <c>v1</c>.</param>
/// <param name="Referrers">The artifact manifests whose <c>subject</c> is the image (none for a lonely subject).</param>
internal sealed record ReferredSubject(string Repository, ImageRef Image, IReadOnlyList<PushedArtifact> Referrers)
{
    /// <summary>The subject's digest.</summary>
    public string Digest => Image.ManifestDigest;

    /// <summary>The upstream repository, <c>team/REPOSITORY</c>.</summary>
    public string UpstreamRepository => $"team/{Repository}";

    /// <summary>
    /// The descriptors a referrers answer must list, in the tag index's order: mediaType, digest and size of each
    /// manifest, its <c>artifactType</c> (else its config's media type) and its annotations.
    /// </summary>
    public IReadOnlyList<OciDescriptor> Expected =>
        [.. Referrers.Select(r => r.Descriptor with { ArtifactType = r.Artifact.ArtifactType ?? r.Artifact.ConfigMediaType })];

    /// <summary>The exact referrers answer, optionally filtered by <paramref name="artifactType"/>.</summary>
    public JsonObject ExpectedIndex(string? artifactType = null) =>
        OrasArtifacts.Index(Expected.Where(d => artifactType is null || d.ArtifactType == artifactType));
}
