namespace Collage.Transforms.Configuration;

/// <summary>
/// One upstream's cache settings (<c>upstreams:HOST:cache</c>), over the <see cref="CacheOptions"/> of the whole
/// gateway. Meaningless without a <c>cache</c> section.
/// </summary>
public sealed record UpstreamCacheOptions
{
    /// <summary>Whether this upstream's content is cached. Default <c>true</c>.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>This upstream's tag TTL. Default: the cache's <see cref="CacheOptions.TagTtl"/>.</summary>
    public TimeSpan? TagTtl { get; init; }

    /// <summary>This upstream's stale-if-error window. Default: the cache's <see cref="CacheOptions.StaleIfError"/>.</summary>
    public TimeSpan? StaleIfError { get; init; }
}
