namespace Collage.Transforms.Caching.Listings;

/// <summary>
/// A listing (a tag list, a referrers index) as Collage last answered it, in local names: body, media type,
/// <c>Link</c> to the next page, <c>OCI-Filters-Applied</c>, and when it was fetched.
/// </summary>
internal sealed record ListingAnswer(byte[] Body, string? ContentType, string? Link, string? FiltersApplied, long FetchedAt);
