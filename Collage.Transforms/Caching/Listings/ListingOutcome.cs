using Collage.Transforms.Registry;

namespace Collage.Transforms.Caching.Listings;

/// <summary>The bookkeeping of a listing answered from memory: the request's outcome, the metric, and the stale log line.</summary>
internal static class ListingOutcome
{
    /// <summary>Records an answer of <paramref name="kind"/> from memory with <paramref name="outcome"/>.</summary>
    public static void Answered(PullThroughCache cache, RegistryRequestFeature feature, string kind, CacheOutcome outcome)
    {
        feature.CacheOutcome = outcome;
        cache.Metrics.Answered(kind, outcome);
    }

    /// <summary>Records a stale answer of <paramref name="kind"/> given for an upstream failure with <paramref name="status"/>.</summary>
    public static void Served(PullThroughCache cache, RegistryRequestFeature feature, string kind, int status)
    {
        Answered(cache, feature, kind, CacheOutcome.Stale);
        cache.Log.ServedStale(feature.Resolved.Upstream.Authority, feature.ResolvedRequest.Name, $"status {status}");
    }
}
