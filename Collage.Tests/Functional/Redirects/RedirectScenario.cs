using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Common;
using Collage.Transforms.Configuration;
using Collage.Transforms.Redirects;
using Collage.Transforms.Upstreams;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Redirects;

/// <summary>
/// client -> proxy (YARP + RedirectFollowingHandler on the gateway's own upstream sockets) -> upstream
/// registry -> 307 -> CDN, each a real Kestrel server on its own 127.0.0.1 port.
/// </summary>
internal sealed class RedirectScenario : IAsyncDisposable
{
    public const string BlobPath = "/v2/ns/repo/blobs/sha256:0123";

    public static readonly byte[] Payload = Enumerable.Range(0, 1024).Select(i => (byte)i).ToArray();

    private RedirectScenario(LoopbackServer cdn, LoopbackServer upstream, LoopbackServer proxy, HttpMessageInvoker invoker, RecordingLogger<RedirectFollowingHandler> logger)
    {
        Cdn = cdn;
        Upstream = upstream;
        Proxy = proxy;
        Invoker = invoker;
        Logger = logger;
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false })
        {
            BaseAddress = proxy.BaseUri,
        };
    }

    public LoopbackServer Cdn { get; }

    public LoopbackServer Upstream { get; }

    public LoopbackServer Proxy { get; }

    public HttpMessageInvoker Invoker { get; }

    public RecordingLogger<RedirectFollowingHandler> Logger { get; }

    public HttpClient Client { get; }

    /// <summary>
    /// The upstream answers <see cref="BlobPath"/> (GET, HEAD and POST alike) with 307 to the CDN,
    /// <c>/v2/same</c> with 307 to its own absolute URL, <c>/v2/relative</c> with a relative 307,
    /// <c>/v2/loop</c> with 307 to itself, and serves the payload at <c>/local/data</c>.
    /// </summary>
    public static async Task<RedirectScenario> StartAsync(
        RedirectOptions? options = null, LoopbackServer? cdn = null, System.Security.Cryptography.X509Certificates.X509Certificate2? upstreamCertificate = null, UpstreamOptions? upstreamOptions = null)
    {
        cdn ??= await StartCdnAsync();
        var cdnBlob = cdn.Url("/docker/registry/v2/blobs/sha256/01/0123/data?X-Signature=secret&Expires=1");
        Uri? self = null;
        var upstream = await LoopbackServer.StartAsync(
            context =>
            {
                var path = context.Request.Path.Value;
                switch (path)
                {
                    case BlobPath:
                        return RedirectTo(context, cdnBlob.AbsoluteUri);
                    case "/v2/same":
                        return RedirectTo(context, new Uri(self!, "/local/data").AbsoluteUri);
                    case "/v2/relative":
                        return RedirectTo(context, "../local/data");
                    case "/v2/loop":
                        return RedirectTo(context, "/v2/loop");
                    case "/local/data":
                        return ServePayload(context);
                    default:
                        context.Response.StatusCode = StatusCodes.Status404NotFound;
                        return Task.CompletedTask;
                }
            },
            upstreamCertificate);
        self = upstream.BaseUri;

        var logger = new RecordingLogger<RedirectFollowingHandler>();
        var sockets = UpstreamSockets.Create(
            new UpstreamHttpOptions(), upstream.BaseUri.Authority, upstreamOptions ?? new UpstreamOptions(), new RecordingLogger<UpstreamCertificateValidator>());
        var invoker = new HttpMessageInvoker(new RedirectFollowingHandler(options ?? new RedirectOptions(), logger) { InnerHandler = sockets });
        var proxy = await ProxyServer.StartAsync(upstream.BaseUri, invoker);
        return new RedirectScenario(cdn, upstream, proxy, invoker, logger);
    }

    /// <summary>A CDN serving the payload at any path, with Range support.</summary>
    public static Task<LoopbackServer> StartCdnAsync() => LoopbackServer.StartAsync(ServePayload);

    public static Task ServePayload(HttpContext context)
        => Results.Bytes(Payload, "application/octet-stream", enableRangeProcessing: true).ExecuteAsync(context);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Proxy.DisposeAsync();
        Invoker.Dispose();
        await Upstream.DisposeAsync();
        await Cdn.DisposeAsync();
    }

    private static Task RedirectTo(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
