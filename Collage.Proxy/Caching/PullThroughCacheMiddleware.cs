using Collage.Transforms.Caching;
using Collage.Transforms.Caching.Blobs;
using Collage.Transforms.Caching.Listings;
using Collage.Transforms.Caching.Manifests;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Proxy.Caching;

/// <summary>
/// The pull-through cache's place on the request path: after the front door resolved the request to an upstream and
/// before it is forwarded. Blobs, manifests and tag lists of an upstream whose content is cached go to the cache, which
/// answers them or hands them on; referrers answers are kept like tags; everything else (no cache, a pass-through or
/// cache-disabled upstream) goes straight on, without an await.
/// </summary>
internal sealed class PullThroughCacheMiddleware(
    RequestDelegate next,
    PullThroughCache cache,
    BlobCache blobs,
    ManifestCache manifests,
    TagListCache tagLists,
    ReferrersCache referrers)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!cache.IsEnabled)
        {
            return next(context);
        }

        var feature = context.Features.GetRequiredFeature<RegistryRequestFeature>();
        if (feature.Table.CacheFor(feature.Resolved.Upstream) is not { } policy)
        {
            return next(context);
        }

        return feature.ResolvedRequest.Kind switch
        {
            RegistryRequestKind.Blob => blobs.ServeAsync(context, feature, next),
            RegistryRequestKind.Manifest => manifests.ServeAsync(context, feature, policy, next),
            RegistryRequestKind.Tags => tagLists.ServeAsync(context, feature, policy, next),
            RegistryRequestKind.Referrers => referrers.ServeAsync(context, feature, policy, next),
            _ => next(context),
        };
    }
}
