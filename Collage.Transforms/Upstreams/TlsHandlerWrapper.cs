using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Upstreams;

/// <summary>Installs each upstream's CA bundle or explicit skip-verify on its socket handler.</summary>
internal sealed class TlsHandlerWrapper(ILogger<UpstreamCertificateValidator> logger) : IUpstreamHandlerWrapper
{
    public HttpMessageHandler Wrap(Upstream upstream, UpstreamOptions options, SocketsHttpHandler sockets, HttpMessageHandler inner)
    {
        UpstreamTls.Configure(sockets, upstream.Authority, options, logger);
        return inner;
    }
}
