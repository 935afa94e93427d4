using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// YARP's default request transform, but sending the client's Host header on: S3 signatures (SigV4 headers and
/// presigned URLs) sign the host the client addressed, here the proxy, and s3rver checks them against it.
/// </summary>
internal sealed class HostKeepingTransformer : HttpTransformer
{
    /// <inheritdoc/>
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.Headers.Host = httpContext.Request.Host.Value;
    }
}
