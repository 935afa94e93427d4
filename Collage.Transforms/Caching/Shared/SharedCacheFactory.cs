using Collage.Transforms.Caching.Fleet;
using Collage.Transforms.Configuration;
using Collage.Transforms.RateLimits;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Builds the <see cref="SharedCache"/> of the <c>cache</c> section at start-up: an <see cref="S3ContentStore"/> with
/// <c>store: "s3"</c>, a <see cref="RedisFleetCoordinator"/> with <c>redis</c>, and the fleet's share of the 429
/// back-off. Neither connects here: a bucket or a Redis that is down at start-up degrades the cache, it does not stop
/// Collage.
/// </summary>
internal static class SharedCacheFactory
{
    /// <summary>The shared cache of <paramref name="options"/>; <see cref="SharedCache.IsEnabled"/> false without one.</summary>
    public static SharedCache Create(CacheOptions? options, CacheMetrics metrics, UpstreamBackoff backoff, ILoggerFactory loggers, TimeProvider time)
    {
        var store = options is { Store: CacheStore.S3, S3: { } s3 }
            ? new S3ContentStore(s3, time, loggers.CreateLogger<S3ContentStore>())
            : null;
        var fleet = options?.Redis is { } redis
            ? new RedisFleetCoordinator(redis, time, loggers.CreateLogger<RedisFleetCoordinator>())
            : null;
        var log = new SharedLog(loggers.CreateLogger("Collage.Cache.Shared"));
        var shared = new SharedCache(options ?? new CacheOptions(), store, fleet, metrics, log, time);
        metrics.ObserveShared(store is null ? null : () => store.IsAvailable, fleet is null ? null : () => fleet.IsAvailable);
        if (fleet is not null)
        {
            backoff.Share(new FleetBackoff(shared, fleet, backoff));
        }

        if (shared.IsEnabled)
        {
            log.Opened(store is null ? "this replica's folder" : "S3", fleet is not null);
        }

        return shared;
    }
}
