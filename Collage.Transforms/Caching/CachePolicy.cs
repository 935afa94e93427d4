namespace Collage.Transforms.Caching;

/// <summary>How the pull-through cache treats one upstream's content, from the cache section and the upstream's own.</summary>
/// <param name="TagTtl">How long a tag's answer is served without asking the upstream.</param>
/// <param name="StaleIfError">How long past that a cached tag is still served while the upstream fails.</param>
internal sealed record CachePolicy(TimeSpan TagTtl, TimeSpan StaleIfError);
