using Collage.Transforms.Groups;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Proxy.Groups;

/// <summary>
/// The merged tag list's place on the request path: after the cache (which keeps the last good answer), before the
/// forwarder. A group's <c>tags/list</c> is answered here from every member; everything else goes on without an await.
/// </summary>
internal sealed class GroupTagsMiddleware(RequestDelegate next, GroupTagLister lister)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.GetRequiredFeature<RegistryRequestFeature>();
        return feature.ResolvedRequest.Kind == RegistryRequestKind.Tags && feature.Resolved.Mount.IsGroup
            ? lister.ServeAsync(context, feature)
            : next(context);
    }
}
