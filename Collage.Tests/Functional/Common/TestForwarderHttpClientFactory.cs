using Collage.Transforms.Redirects;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Tests.Functional.Common;

/// <summary>
/// The wiring the gateway uses: YARP's own <see cref="SocketsHttpHandler"/> (with the upstream's
/// TLS trust), wrapped by <see cref="RedirectFollowingHandler"/>.
/// </summary>
internal sealed class TestForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    private readonly RedirectOptions _redirects;
    private readonly ILogger<RedirectFollowingHandler> _logger;
    private readonly UpstreamCertificateValidator? _validator;

    public TestForwarderHttpClientFactory(
        RedirectOptions redirects, ILogger<RedirectFollowingHandler> logger, UpstreamCertificateValidator? validator = null)
    {
        _redirects = redirects;
        _logger = logger;
        _validator = validator;
    }

    public HttpMessageInvoker CreateInvoker()
        => CreateClient(new ForwarderHttpClientContext { ClusterId = "test", NewConfig = HttpClientConfig.Empty });

    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        if (_validator is not null)
        {
            UpstreamTls.Configure(handler, _validator);
        }
    }

    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler)
        => new RedirectFollowingHandler(_redirects, _logger) { InnerHandler = base.WrapHandler(context, handler) };
}
