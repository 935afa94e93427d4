using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Redirects;

/// <summary>
/// Puts the redirect follower inside the token handler, so a token is only ever added to the first hop
/// and a CDN hop never sees it.
/// </summary>
internal sealed class RedirectHandlerWrapper(RedirectOptions options, ILogger<RedirectFollowingHandler> logger, CollageMetrics? metrics = null) : IUpstreamHandlerWrapper
{
    public HttpMessageHandler Wrap(Upstream upstream, UpstreamOptions upstreamOptions, SocketsHttpHandler sockets, HttpMessageHandler inner) =>
        new RedirectFollowingHandler(options, logger, metrics?.ForUpstream(upstream)) { InnerHandler = inner };
}
