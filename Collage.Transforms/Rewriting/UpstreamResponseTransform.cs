using System.Security.Cryptography;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Transforms;

namespace Collage.Transforms.Rewriting;

/// <summary>
/// Turns the upstream's answer into Collage's: allow-listed headers, <c>Link</c> and <c>Location</c> in
/// local names, a digest on every blob, tag lists rewritten, and errors replaced by Collage's own.
/// </summary>
internal sealed class UpstreamResponseTransform(ILogger logger) : ResponseTransform
{
    /// <summary>Upstream error bodies are short; only this much is read to learn their code.</summary>
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>A manifest read whole to learn its digest is at most this big (distribution's own manifest limit).</summary>
    private const int MaxDigestedManifestBytes = 4 * 1024 * 1024;

    private const string SignedSchema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    public override async ValueTask ApplyAsync(ResponseTransformContext context)
    {
        var upstreamResponse = context.ProxyResponse;
        if (upstreamResponse is null)
        {
            // The forwarder failed before an answer; ForwarderErrorMiddleware writes the error.
            return;
        }

        var httpContext = context.HttpContext;
        if (HasInvalidFraming(upstreamResponse))
        {
            // RFC 9112 section 6.3: a response with an invalid Content-Length and no Transfer-Encoding has
            // invalid framing; a proxy MUST discard it and answer 502. SocketsHttpHandler would read it to the
            // close, which could hand the client a body that ends cleanly short.
            context.SuppressResponseBody = true;
            await new OciError(StatusCodes.Status502BadGateway, "UNAVAILABLE", "the upstream registry sent a malformed response").WriteAsync(httpContext);
            return;
        }

        var feature = httpContext.Features.GetRequiredFeature<RegistryRequestFeature>();
        var request = feature.ResolvedRequest;
        var status = (int)upstreamResponse.StatusCode;
        var isTagList = request.Kind == RegistryRequestKind.Tags && status == StatusCodes.Status200OK;
        context.SuppressResponseBody = status >= 400 || isTagList;
        var response = httpContext.Response;

        if (status >= 400)
        {
            await WriteErrorAsync(context, feature, status);
            return;
        }

        CopyHeaders(upstreamResponse, response);
        var resolution = feature.Resolved;
        var upstreamLink = upstreamResponse.Headers.NonValidated.TryGetValues("Link", out var links) ? links.ToString() : null;
        var registryHost = feature.MirrorRegistry;

        if (isTagList)
        {
            if (HttpMethods.IsHead(httpContext.Request.Method))
            {
                // No body to rewrite, and the rewritten one would have another length and validator.
                response.ContentLength = null;
                response.Headers.ETag = default;
                return;
            }

            await TagsListRewriter.RewriteAsync(context, feature, upstreamLink);
            return;
        }

        if (upstreamLink is not null
            && LinkRewriter.RewriteLinkHeader(upstreamLink, resolution.Upstream, resolution.UpstreamName, request.Name, registryHost) is { } link)
        {
            response.Headers.Link = link;
        }

        if (upstreamResponse.Headers.Location is { } location
            && LinkRewriter.RewriteUri(location.OriginalString, resolution.Upstream, resolution.UpstreamName, request.Name, registryHost) is { } local)
        {
            response.Headers.Location = local;
        }

        if (request.Kind == RegistryRequestKind.Manifest && !response.Headers.ContainsKey(RegistryHeaders.DockerContentDigest)
            && await AddManifestDigestAsync(context, request, upstreamResponse))
        {
            return;
        }

        // A CDN's answer carries no Docker-Content-Digest; clients rely on it (spec: "Pulling blobs"),
        // and the digest is the blob's name, so it is known without reading a byte.
        if (request.Kind == RegistryRequestKind.Blob && !response.Headers.ContainsKey(RegistryHeaders.DockerContentDigest))
        {
            response.Headers[RegistryHeaders.DockerContentDigest] = request.Reference;
        }

        if (request.Kind == RegistryRequestKind.Blob && !HttpMethods.IsHead(httpContext.Request.Method))
        {
            context.SuppressResponseBody = true;
            // The table's timeout, the one YARP waited for the headers with: a reload applies to the next request.
            await BlobBodyCopier.CopyAsync(upstreamResponse.Content, httpContext, feature.Table.Http.ActivityTimeout, logger, resolution.Upstream.Authority);
        }
    }

    /// <summary>
    /// Distribution spec 1.1, "Pulling manifests": a successful answer SHOULD carry <c>Docker-Content-Digest</c>, and
    /// some upstreams leave it out. By digest it is the reference, known without reading a byte. By tag a GET's bytes are
    /// read whole (manifests are small) and their digest added; returns true when the body was written so. Left as sent:
    /// a HEAD (no bytes to hash), a body of unknown or excessive length, and a signed schema 1 manifest, whose digest
    /// is its payload's rather than its bytes'.
    /// </summary>
    private static async ValueTask<bool> AddManifestDigestAsync(ResponseTransformContext context, RegistryRequest request, HttpResponseMessage upstreamResponse)
    {
        var httpContext = context.HttpContext;
        var response = httpContext.Response;
        if (request.Reference!.Contains(':', StringComparison.Ordinal))
        {
            response.Headers[RegistryHeaders.DockerContentDigest] = request.Reference;
            return false;
        }

        var content = upstreamResponse.Content;
        if (HttpMethods.IsHead(httpContext.Request.Method)
            || content.Headers.ContentLength is not (>= 0 and <= MaxDigestedManifestBytes)
            || string.Equals(content.Headers.ContentType?.MediaType, SignedSchema1, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        context.SuppressResponseBody = true;
        byte[]? body;
        try
        {
            body = await BoundedContent.ReadAsync(content, MaxDigestedManifestBytes, httpContext.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !httpContext.RequestAborted.IsCancellationRequested)
        {
            body = null;
        }

        if (body is null)
        {
            // The upstream stopped short: as for any body cut mid-way, the client's exchange is aborted, never ended.
            httpContext.Abort();
            return true;
        }

        response.Headers[RegistryHeaders.DockerContentDigest] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body));
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
        return true;
    }

    /// <summary>
    /// The start of an upstream's error body, to learn its code; null when it cannot be read. The status alone still
    /// decides the answer then: distribution 2.8's 416, for one, announces the blob's length and sends a short text, a
    /// body that ends before its Content-Length, which is no reason to turn the registry's answer into a 502. (A 416's
    /// body is never read: its message is Collage's own.)
    /// </summary>
    private static async Task<byte[]?> ReadErrorBodyAsync(HttpContent content, CancellationToken aborted)
    {
        try
        {
            return await BoundedContent.ReadAsync(content, MaxErrorBodyBytes, aborted);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return null;
        }
    }

    // An unparsable Content-Length, or several that disagree (RFC 9110 section 8.6), without chunked framing.
    private static bool HasInvalidFraming(HttpResponseMessage upstreamResponse) =>
        upstreamResponse.Headers.TransferEncodingChunked != true
        && upstreamResponse.Content.Headers.NonValidated.TryGetValues("Content-Length", out var lengths)
        && (upstreamResponse.Content.Headers.ContentLength is null || lengths.Distinct(StringComparer.Ordinal).Skip(1).Any());

    private static void CopyHeaders(HttpResponseMessage upstreamResponse, HttpResponse response)
    {
        // The values as the upstream sent them (NonValidated, as YARP's own copy): parsing ETag or Cache-Control
        // into typed values only to print them again cost every request, and a proxy should not reformat them.
        var headers = upstreamResponse.Headers.NonValidated;
        var content = upstreamResponse.Content.Headers.NonValidated;
        foreach (var name in RegistryHeaders.Response)
        {
            if (headers.TryGetValues(name, out var values) || content.TryGetValues(name, out values))
            {
                response.Headers[name] = values.Count == 1 ? values.ToString() : values.ToArray();
            }
        }

        var contentHeaders = upstreamResponse.Content.Headers;
        if (contentHeaders.ContentType is { } contentType)
        {
            response.ContentType = contentType.ToString();
        }

        if (contentHeaders.ContentLength is { } length)
        {
            response.ContentLength = length;
        }
    }

    private static async ValueTask WriteErrorAsync(ResponseTransformContext context, RegistryRequestFeature feature, int status)
    {
        var upstreamResponse = context.ProxyResponse!;
        var body = HttpMethods.IsHead(context.HttpContext.Request.Method) || status == StatusCodes.Status416RangeNotSatisfiable
            ? null
            : await ReadErrorBodyAsync(upstreamResponse.Content, context.HttpContext.RequestAborted);
        var error = UpstreamErrorMapper.Map(status, feature.ResolvedRequest, body);
        if (status == StatusCodes.Status416RangeNotSatisfiable && upstreamResponse.Content.Headers.ContentRange is { } range)
        {
            context.HttpContext.Response.Headers.ContentRange = range.ToString();
        }

        if (upstreamResponse.Headers.RetryAfter is { } retryAfter)
        {
            context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString();
        }

        if (status == StatusCodes.Status401Unauthorized)
        {
            PassthroughAuthorization.Challenge(context.HttpContext, feature);
        }

        await error.WriteAsync(context.HttpContext);
    }
}
