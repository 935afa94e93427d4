using System.Net;
using Collage.Tests.Common;
using Collage.Transforms.Redirects;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Redirects;

/// <summary>
/// What the <see cref="RedirectFollowingHandler"/> tests share: a blob request, the CDN it is sent on to, scripted
/// redirects as they come off the wire, and the send through the handler under test.
/// </summary>
internal static class RedirectHops
{
    public const string Blob = "https://registry.test/v2/library/alpine/blobs/sha256:abc";
    public const string Cdn = "https://cdn.test/blobs/abc/data?X-Amz-Signature=secret";

    public static HttpRequestMessage Get(string uri) => new(HttpMethod.Get, uri);

    public static HttpResponseMessage Redirect(HttpStatusCode status, string location)
    {
        var response = new HttpResponseMessage(status);

        // As on the wire: the header parser, not the test, turns the text into a Uri.
        response.Headers.TryAddWithoutValidation("Location", location);
        return response;
    }

    /// <summary>Redirects the first request, answers 200 to every further one.</summary>
    public static TestHandler RedirectOnce(HttpStatusCode status, string location)
    {
        var first = true;
        return new TestHandler(_ =>
        {
            if (first)
            {
                first = false;
                return Redirect(status, location);
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });
    }

    /// <summary>Sends <paramref name="request"/> through a handler that logs to <paramref name="logger"/> over <paramref name="inner"/>.</summary>
    public static async Task<HttpResponseMessage> Send(
        ILogger<RedirectFollowingHandler> logger,
        TestHandler inner,
        HttpRequestMessage request,
        RedirectOptions? options,
        CancellationToken cancellationToken)
    {
        var handler = new RedirectFollowingHandler(options ?? new RedirectOptions(), logger) { InnerHandler = inner };
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        return await invoker.SendAsync(request, cancellationToken);
    }
}
