using Collage.Transforms.Caching.Blobs;
using Collage.Transforms.Caching.Listings;
using Collage.Transforms.Caching.Manifests;
using Collage.Transforms.Caching.Shared;
using Collage.Transforms.RateLimits;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Caching;

/// <summary>Registers the pull-through cache.</summary>
internal static class CacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds the cache, opened from the <c>cache</c> section of the start-up mount table (disabled without one), and its
    /// blob, manifest, tag-list and referrers answers.
    /// </summary>
    public static IServiceCollection AddPullThroughCache(this IServiceCollection services)
    {
        services.AddSingleton(sp => new CacheMetrics(sp.GetRequiredService<CollageMetrics>()));
        services.AddSingleton<CacheUpstream>();
        services.AddSingleton(sp => SharedCacheFactory.Create(
            sp.GetRequiredService<MountTableProvider>().Current.Cache,
            sp.GetRequiredService<CacheMetrics>(),
            sp.GetRequiredService<UpstreamBackoff>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => PullThroughCache.Open(
            sp.GetRequiredService<MountTableProvider>().Current.Cache,
            sp.GetRequiredService<CacheUpstream>(),
            sp.GetRequiredService<CacheMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Collage.Cache"),
            sp.GetRequiredService<SharedCache>()));
        services.AddSingleton<BlobCache>();
        services.AddSingleton<ManifestUpstream>();
        services.AddSingleton<ManifestWriter>();
        services.AddSingleton<ManifestCache>();
        services.AddSingleton<TagListCache>();
        services.AddSingleton<ReferrersCache>();
        return services;
    }
}
