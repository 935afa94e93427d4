namespace Collage.Transforms.Caching.Storage;

/// <summary>What an upstream answered for a tag and an <c>Accept</c>: the manifest's digest and media type, and when.</summary>
/// <param name="Hex">The sha256 hex of the manifest.</param>
/// <param name="MediaType">The <c>Content-Type</c> it was served with.</param>
/// <param name="FetchedAt">When the upstream last confirmed it, in milliseconds since the Unix epoch.</param>
internal sealed record TagAnswer(string Hex, string MediaType, long FetchedAt);
