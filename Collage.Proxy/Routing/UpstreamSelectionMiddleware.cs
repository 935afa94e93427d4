using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Collage.Proxy.Routing;

/// <summary>
/// Sends each repository request to the cluster of the upstream its mount names, or of its upstream group. Route matching cannot
/// express "longest segment prefix within the host's vhost", so the front door resolves the
/// mount and this step reassigns the request to that upstream's cluster (YARP's documented way to pick
/// a cluster at run time).
/// </summary>
internal sealed class UpstreamSelectionMiddleware(RequestDelegate next, IProxyStateLookup proxyState)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.Features.Get<RegistryRequestFeature>();
        if (feature?.Resolution is not { } resolution
            || !proxyState.TryGetCluster(resolution.Mount.IsGroup ? resolution.Mount.GroupId : resolution.Upstream.Id, out var cluster))
        {
            // The front door answers everything it does not resolve; a request without a
            // resolution here means the route table and the mount table disagree during a reload.
            return new OciError(StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE", "the gateway is reloading its configuration; retry").WriteAsync(context);
        }

        context.ReassignProxyRequest(cluster);
        return next(context);
    }
}
