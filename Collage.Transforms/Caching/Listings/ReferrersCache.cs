using Collage.Transforms.Caching.Serving;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Caching.Listings;

/// <summary>
/// The referrers answer treated as mutable, like a tag (a new signature or SBOM can name the same subject at any
/// time): never stored by digest, but the last good answer per vhost and target is kept in memory, served without
/// asking for the upstream's <c>tagTtl</c> (an emulated answer costs the upstream two requests), then asked again;
/// while the upstream fails (unreachable, timeout, 5xx, 429) served STALE within <c>tagTtl + staleIfError</c>.
/// </summary>
internal sealed class ReferrersCache(PullThroughCache cache)
{
    private const string Kind = "referrers";

    private readonly ListingAnswers _answers = new();

    /// <summary>Answers the referrers request in <paramref name="feature"/> from memory, or through <paramref name="next"/>.</summary>
    public async Task ServeAsync(HttpContext context, RegistryRequestFeature feature, CachePolicy policy, RequestDelegate next)
    {
        var key = ListingAnswers.KeyOf(context, feature);
        var now = cache.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var known = _answers.TryGet(key, out var answer) ? answer : null;
        var age = known is null ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(now - known.FetchedAt);
        if (known is not null && age < policy.TagTtl)
        {
            ListingOutcome.Answered(cache, feature, Kind, CacheOutcome.Hit);
            await ListingAnswers.WriteAsync(context, known, CacheOutcome.Hit);
            return;
        }

        using var buffer = await ListingAnswers.RunBufferedAsync(context, next);
        var status = context.Response.StatusCode;
        if (status == StatusCodes.Status200OK)
        {
            _answers.KeepIfGood(key, context, buffer, cache.Time.GetUtcNow().ToUnixTimeMilliseconds());
            context.Response.Headers[ContentResponder.CacheHeader] = CacheOutcomeNames.Header(CacheOutcome.Miss);
            ListingOutcome.Answered(cache, feature, Kind, CacheOutcome.Miss);
        }
        else if (CachePolicy.IsUpstreamFailure(status) && known is not null && age <= policy.TagTtl + policy.StaleIfError)
        {
            ListingOutcome.Served(cache, feature, Kind, status);
            await ListingAnswers.WriteAsync(context, known, CacheOutcome.Stale);
            return;
        }

        await ListingAnswers.FlushAsync(context, buffer);
    }
}
