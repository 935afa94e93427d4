using Collage.Transforms.Mirroring;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Collage.Transforms.Upstreams;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace Collage.Transforms.Rewriting;

/// <summary>
/// Turns a local request into the upstream's: the path in upstream names, the query unchanged but for
/// Collage's own <c>ns</c>, and only allow-listed headers.
/// </summary>
internal sealed class UpstreamRequestTransform : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var feature = context.HttpContext.Features.GetRequiredFeature<RegistryRequestFeature>();
        context.Path = new PathString(feature.UpstreamPath);

        // The front door's decision, carried to the handler chain: the latency handler's kind, the token handler's scope.
        UpstreamCall.For(feature).On(context.ProxyRequest);

        // ns is Collage's selector, not a question for the upstream: it named the registry the client wanted,
        // which Collage has already turned into a mount, an upstream and an upstream name. The upstream is that
        // registry itself, not a mirror, so ns would tell it nothing true; a mirror-aware upstream (containerd's
        // convention is also used by some caches) would even read it as "serve the other registry's content".
        // Every other parameter passes byte for byte. Setting RequestUri is YARP's documented way to override
        // the URI it builds from DestinationPrefix, Path and Query (RequestTransformContext.ProxyRequest).
        // The query collection the front door already parsed (names decoded, case ignored, as TryRemove compares
        // them) says whether there is any ns to strip; most requests have none and skip the rewrite.
        if (context.HttpContext.Request.Query.ContainsKey(MirrorNamespace.QueryParameter)
            && MirrorNamespace.TryRemove(context.HttpContext.Request.QueryString, out var query))
        {
            context.ProxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(context.DestinationPrefix, context.Path, query);
        }

        var source = context.HttpContext.Request.Headers;
        var target = context.ProxyRequest.Headers;
        foreach (var name in RegistryHeaders.Request)
        {
            if (source.TryGetValue(name, out var values))
            {
                // One value is the usual case: add it as a string, without boxing StringValues as IEnumerable.
                _ = values.Count == 1
                    ? target.TryAddWithoutValidation(name, values.ToString())
                    : target.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        // Never the client's Authorization as such: only a token Collage issued for this very upstream.
        PassthroughAuthorization.Forward(context.HttpContext, feature, context.ProxyRequest);
        return ValueTask.CompletedTask;
    }
}
