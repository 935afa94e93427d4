namespace Collage.Transforms.Caching.Listings;

/// <summary>A tag list as Collage last answered it (local names, paged): body, media type, <c>Link</c>, and when.</summary>
internal sealed record TagListAnswer(byte[] Body, string? ContentType, string? Link, long FetchedAt);
