using Collage.Transforms.Mirroring;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Collage.Transforms.Referrers;

/// <summary>
/// Answers <c>GET</c>/<c>HEAD /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> (distribution spec 1.1, "Listing
/// Referrers") whatever the upstream supports. An upstream with the API is asked and its page passed on, <c>Link</c> in
/// local names, filtered by Collage when the upstream ignored <c>artifactType</c>. An upstream without it (404, 405,
/// 501: distribution 2.8 has no such route) is answered for from the referrers tag schema by
/// <see cref="ReferrersEmulator"/>, so a client sees the API through every mount.
/// </summary>
internal sealed class ReferrersResponder(ReferrersUpstream upstream, ReferrersEmulator emulator, ReferrersLog log)
{
    /// <summary>Answers the referrers request in <paramref name="feature"/>.</summary>
    public async Task ServeAsync(HttpContext context, RegistryRequestFeature feature)
    {
        var artifactType = ArtifactTypeOf(context.Request.Query);
        var query = context.Request.QueryString;
        if (MirrorNamespace.TryRemove(query, out var stripped))
        {
            // ns is Collage's selector, already turned into this mount (as for every forwarded request).
            query = stripped;
        }

        var reply = await upstream.GetAsync(context, feature, RegistryRequestKind.Referrers, feature.UpstreamPath + query.Value, ReferrersIndex.MediaType);
        switch (reply)
        {
            case UpstreamReply.Answered { Status: StatusCodes.Status200OK } page:
                await PassAsync(context, feature, page, artifactType);
                return;

            // Spec 1.1: a registry that supports the API MUST NOT answer 404 to it; a 404 (or a method or endpoint it
            // does not implement) is the client's signal to fall back to the tag schema, which Collage does for it.
            case UpstreamReply.Answered { Status: StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed or StatusCodes.Status501NotImplemented } refused:
                log.Emulated(feature.Resolved.Upstream.Authority, feature.Resolved.UpstreamName, refused.Status);
                await emulator.ServeAsync(context, feature, artifactType);
                return;

            default:
                await FailAsync(context, feature, reply, log);
                return;
        }
    }

    /// <summary>
    /// Writes a referrers index: 200, its media type, <paramref name="link"/> to the next page, and
    /// <c>OCI-Filters-Applied: artifactType</c> when it was filtered; no body for HEAD.
    /// </summary>
    public static Task WriteAsync(HttpContext context, byte[] body, string contentType, string? link, bool filtered)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        if (link is not null)
        {
            response.Headers.Link = link;
        }

        if (filtered)
        {
            response.Headers[ReferrersIndex.FiltersAppliedHeader] = ReferrersIndex.ArtifactTypeFilter;
        }

        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>
    /// Answers an upstream failure as Collage answers it for any request: the spec's error code, Collage's message, the
    /// upstream's Retry-After, Collage's challenge on a pass-through 401, and nothing of the upstream's own.
    /// </summary>
    public static Task FailAsync(HttpContext context, RegistryRequestFeature feature, UpstreamReply reply, ReferrersLog log)
    {
        var resolution = feature.Resolved;
        switch (reply)
        {
            case UpstreamReply.Unreachable unreachable:
                log.Failed(resolution.Upstream.Authority, resolution.UpstreamName, unreachable.TimedOut ? "timed out" : "unreachable");
                return (unreachable.TimedOut ? OciErrors.UpstreamTimedOut() : OciErrors.UpstreamUnreachable()).WriteAsync(context);

            case UpstreamReply.Answered { Status: >= 400 } refused:
                if (refused.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = retryAfter;
                }

                if (refused.Status == StatusCodes.Status401Unauthorized)
                {
                    PassthroughAuthorization.Challenge(context, feature);
                }

                return UpstreamErrorMapper.Map(refused.Status, feature.ResolvedRequest, refused.Body ?? []).WriteAsync(context);

            case UpstreamReply.Answered { Body: null }:
                log.Failed(resolution.Upstream.Authority, resolution.UpstreamName, $"an answer larger than {ReferrersUpstream.MaxBodyBytes} bytes");
                return new OciError(StatusCodes.Status502BadGateway, "UNAVAILABLE", "the upstream registry's answer is too large").WriteAsync(context);

            case UpstreamReply.Answered answered:
                log.Failed(resolution.Upstream.Authority, resolution.UpstreamName, $"status {answered.Status}");
                return new OciError(StatusCodes.Status502BadGateway, "UNAVAILABLE", $"the upstream registry answered with status {answered.Status}").WriteAsync(context);

            default:
                throw new InvalidOperationException($"Unexpected reply {reply.GetType().Name}.");
        }
    }

    private async Task PassAsync(HttpContext context, RegistryRequestFeature feature, UpstreamReply.Answered page, string? artifactType)
    {
        if (page.Body is not { } body)
        {
            await FailAsync(context, feature, page, log);
            return;
        }

        var filtered = page.FiltersApplied;
        if (artifactType is not null && !filtered && ReferrersIndex.TryFilter(body, artifactType, out var kept))
        {
            // Spec 1.1: a registry SHOULD filter; this one did not, so Collage does, and says so.
            body = kept;
            filtered = true;
        }

        var resolution = feature.Resolved;
        var link = page.Link is null ? null : LinkRewriter.RewriteLinkHeader(page.Link, resolution.Upstream, resolution.UpstreamName, feature.ResolvedRequest.Name, feature.MirrorRegistry);
        await WriteAsync(context, body, page.ContentType ?? ReferrersIndex.MediaType, link, filtered);
    }

    // The spec names one artifactType; an empty value filters nothing.
    private static string? ArtifactTypeOf(IQueryCollection query) =>
        query.TryGetValue(ReferrersIndex.ArtifactTypeFilter, out StringValues values) && values.FirstOrDefault(v => !string.IsNullOrEmpty(v)) is { } value
            ? value
            : null;
}
