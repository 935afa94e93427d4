namespace Collage.Transforms.Caching;

/// <summary>How the pull-through cache treats one upstream's content, from the cache section and the upstream's own.</summary>
/// <param name="TagTtl">How long a tag's answer is served without asking the upstream.</param>
/// <param name="StaleIfError">How long past that a cached tag is still served while the upstream fails.</param>
internal sealed record CachePolicy(TimeSpan TagTtl, TimeSpan StaleIfError)
{
    /// <summary>
    /// Whether an upstream status is the upstream failing (5xx, 429), under which a cached answer is served stale;
    /// any other error (a 404 above all) is an answer about the content. The one place this rule is written.
    /// </summary>
    public static bool IsUpstreamFailure(int status) => status >= 500 || status == 429;
}
