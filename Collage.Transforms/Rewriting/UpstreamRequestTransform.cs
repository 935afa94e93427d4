using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Transforms;

namespace Collage.Transforms.Rewriting;

/// <summary>
/// Turns a local request into the upstream's: the path in upstream names, the query unchanged,
/// and only allow-listed headers.
/// </summary>
internal sealed class UpstreamRequestTransform : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var feature = context.HttpContext.Features.GetRequiredFeature<RegistryRequestFeature>();
        context.Path = new PathString(feature.UpstreamPath);

        var source = context.HttpContext.Request.Headers;
        var target = context.ProxyRequest.Headers;
        foreach (var name in ForwardedHeaders.Request)
        {
            if (source.TryGetValue(name, out var values))
            {
                target.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        // Never the client's Authorization as such: only a token Collage issued for this very upstream.
        PassthroughAuthorization.Forward(context.HttpContext, feature, context.ProxyRequest);
        return ValueTask.CompletedTask;
    }
}
