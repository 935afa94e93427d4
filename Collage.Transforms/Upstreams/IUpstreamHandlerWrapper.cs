using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// One layer of an upstream's handler chain (TLS trust, redirect follower, token dance). Layers are applied
/// in registration order, each wrapping the previous, so the last registered is outermost.
/// </summary>
internal interface IUpstreamHandlerWrapper
{
    /// <summary>Configures <paramref name="sockets"/> and/or returns a handler around <paramref name="inner"/>.</summary>
    HttpMessageHandler Wrap(Upstream upstream, UpstreamOptions options, SocketsHttpHandler sockets, HttpMessageHandler inner);
}
