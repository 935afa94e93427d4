namespace Collage.Transforms.Caching.Blobs;

/// <summary>A fetch failed after its headers (upstream reset, silence, or bytes that did not match the digest).</summary>
internal sealed class FillFailedException(string reason) : Exception(reason);
