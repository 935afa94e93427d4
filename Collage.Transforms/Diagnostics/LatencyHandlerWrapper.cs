using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;

namespace Collage.Transforms.Diagnostics;

/// <summary>Puts <see cref="UpstreamLatencyHandler"/> outermost, around the token dance and the redirect follower.</summary>
internal sealed class LatencyHandlerWrapper(CollageMetrics metrics, TimeProvider timeProvider) : IUpstreamHandlerWrapper
{
    public HttpMessageHandler Wrap(Upstream upstream, UpstreamOptions options, SocketsHttpHandler sockets, HttpMessageHandler inner) =>
        new UpstreamLatencyHandler(metrics.ForUpstream(upstream), timeProvider) { InnerHandler = inner };
}
