using Collage.Tests.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Tests.Functional.Common;

/// <summary>A Kestrel server forwarding everything to one upstream through YARP's forwarder.</summary>
internal static class ProxyServer
{
    public static Task<LoopbackServer> StartAsync(Uri upstream, HttpMessageInvoker invoker)
        => LoopbackServer.StartAsync(
            handler: null,
            configureServices: services => services.AddHttpForwarder(),
            configureApp: app => app.MapForwarder(
                "/{**catch-all}", upstream.ToString(), ForwarderRequestConfig.Empty, HttpTransformer.Default, invoker));
}
