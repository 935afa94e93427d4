using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Credentials;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Authentication;

/// <summary>
/// The outermost layer: the token dance wraps the redirect follower, so the token goes to the upstream's
/// first hop only and never to a CDN. Gateway upstreams get their own credentials (or none); pass-through
/// upstreams get no dance at all, as their clients authenticate themselves.
/// </summary>
internal sealed class TokenHandlerWrapper(TokenCache cache, UpstreamCredentialResolver credentials, ILogger<UpstreamTokenHandler> logger, CollageMetrics? metrics = null) : IUpstreamHandlerWrapper
{
    public HttpMessageHandler Wrap(Upstream upstream, UpstreamOptions options, SocketsHttpHandler sockets, HttpMessageHandler inner) =>
        options.Auth == UpstreamAuthMode.Passthrough
            ? inner
            : new UpstreamTokenHandler(cache, logger, credentials.Resolve(upstream.Authority, options), metrics?.ForUpstream(upstream)) { InnerHandler = inner };
}
