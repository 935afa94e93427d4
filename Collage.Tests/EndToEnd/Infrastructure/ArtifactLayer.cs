namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>One layer of an <see cref="OciArtifact"/>: a blob of any media type, with its descriptor's annotations.</summary>
/// <param name="MediaType">The layer's media type, e.g. <c>application/vnd.dev.cosign.simplesigning.v1+json</c>.</param>
/// <param name="Content">The blob bytes.</param>
/// <param name="Annotations">The layer descriptor's annotations, or null for none.</param>
internal sealed record ArtifactLayer(string MediaType, byte[] Content, IReadOnlyDictionary<string, string>? Annotations = null);
