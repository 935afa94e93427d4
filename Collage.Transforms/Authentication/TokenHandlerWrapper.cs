using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Authentication;

/// <summary>
/// The outermost layer: the token dance wraps the redirect follower, so the token goes to the upstream's
/// first hop only and never to a CDN.
/// </summary>
internal sealed class TokenHandlerWrapper(TokenCache cache, ILogger<UpstreamTokenHandler> logger, CollageMetrics? metrics = null) : IUpstreamHandlerWrapper
{
    public HttpMessageHandler Wrap(Upstream upstream, UpstreamOptions options, SocketsHttpHandler sockets, HttpMessageHandler inner) =>
        new UpstreamTokenHandler(cache, logger, metrics?.ForUpstream(upstream)) { InnerHandler = inner };
}
