using Collage.Transforms.Referrers;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Proxy.Referrers;

/// <summary>
/// The referrers API's place on the request path: after the front door and the cache, before the forwarder. A
/// referrers request is answered here (the upstream's API or its emulation, which may take more than one upstream
/// request); everything else goes on to the forwarder without an await.
/// </summary>
internal sealed class ReferrersMiddleware(RequestDelegate next, ReferrersResponder responder)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<RegistryRequestFeature>();
        return feature.ResolvedRequest.Kind == RegistryRequestKind.Referrers
            ? responder.ServeAsync(context, feature)
            : next(context);
    }
}
