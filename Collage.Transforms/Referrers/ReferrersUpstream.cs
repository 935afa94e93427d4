using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Collage.Transforms.Upstreams;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Referrers;

/// <summary>
/// The referrers responder's GETs to an upstream: through the upstream's own client and handler chain (connection
/// pool, token dance, redirect follower, 429 back-off, TLS trust), with the client's token on a pass-through mount
/// when Collage issued it for that upstream, silent for no longer than the table's activity timeout (for the headers
/// and between body reads), bodies capped like manifests.
/// </summary>
internal sealed class ReferrersUpstream(UpstreamClientFactory clients)
{
    /// <summary>The largest body read: distribution's manifest limit (4 MiB), which an index of referrers is.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>
    /// GETs <paramref name="pathAndQuery"/> (upstream names) for <paramref name="kind"/> of the request in
    /// <paramref name="feature"/>, accepting <paramref name="accept"/>.
    /// </summary>
    public async Task<UpstreamReply> GetAsync(HttpContext context, RegistryRequestFeature feature, RegistryRequestKind kind, string pathAndQuery, string accept)
    {
        var resolution = feature.Resolved;
        var aborted = context.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(feature.Table.Http.ActivityTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(resolution.Upstream.BaseUri, pathAndQuery));
        UpstreamCall.For(feature, kind).On(request);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (context.Request.Headers.UserAgent.ToString() is { Length: > 0 } userAgent)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        PassthroughAuthorization.Forward(context, feature, request);
        try
        {
            using var response = await clients.GetClient(feature).SendAsync(request, timeout.Token);
            var headers = response.Headers.NonValidated;
            return new UpstreamReply.Answered(
                (int)response.StatusCode,
                await BoundedContent.ReadAsync(response.Content, MaxBodyBytes, timeout, feature.Table.Http.ActivityTimeout),
                response.Content.Headers.ContentType?.ToString(),
                headers.TryGetValues("Link", out var link) ? link.ToString() : null,
                headers.TryGetValues(ReferrersIndex.FiltersAppliedHeader, out var filters)
                    && filters.Any(f => f.Split(',').Any(v => v.Trim() == ReferrersIndex.ArtifactTypeFilter)),
                headers.TryGetValues("Retry-After", out var retryAfter) ? retryAfter.ToString() : null,
                headers.TryGetValues(RegistryHeaders.DockerContentDigest, out var digest) ? digest.ToString() : null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return new UpstreamReply.Unreachable(ex is OperationCanceledException && !aborted.IsCancellationRequested);
        }
    }
}
