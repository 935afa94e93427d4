using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Caching.Listings;

/// <summary>
/// Stale-if-error for <c>tags/list</c>: every listing is still asked of the upstream (a tag list has no digest to
/// revalidate against, and a short one costs little), but the last good answer for the same page is kept in memory and
/// served, marked STALE, while the upstream fails (unreachable, timeout, 5xx, 429) within the upstream's
/// <c>tagTtl + staleIfError</c>. Kept in memory only: a restart forgets them, the tags' manifests stay cached.
/// </summary>
internal sealed class TagListCache(PullThroughCache cache)
{
    private const string Kind = "tags";

    private readonly ListingAnswers _answers = new();

    /// <summary>Forwards the listing in <paramref name="feature"/> through <paramref name="next"/>, standing in for a failure.</summary>
    public async Task ServeAsync(HttpContext context, RegistryRequestFeature feature, CachePolicy policy, RequestDelegate next)
    {
        var key = ListingAnswers.KeyOf(context, feature);
        using var buffer = await ListingAnswers.RunBufferedAsync(context, next);
        var now = cache.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var status = context.Response.StatusCode;
        _answers.KeepIfGood(key, context, buffer, now);
        if (CachePolicy.IsUpstreamFailure(status)
            && _answers.TryGet(key, out var stale)
            && TimeSpan.FromMilliseconds(now - stale.FetchedAt) <= policy.TagTtl + policy.StaleIfError)
        {
            ListingOutcome.Served(cache, feature, Kind, status);
            await ListingAnswers.WriteAsync(context, stale, CacheOutcome.Stale);
            return;
        }

        await ListingAnswers.FlushAsync(context, buffer);
    }
}
