using Collage.Transforms.Caching.Serving;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Caching.Blobs;

/// <summary>
/// Answers blob requests (<c>GET</c>/<c>HEAD /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>) through the cache, in order:
/// join a fetch in flight; serve stored content the repository may read (after asking its upstream with a HEAD when it
/// has not yet served or listed it, so one mount cannot read another's content by digest); otherwise start one fetch
/// for everyone. A HEAD or a Range request that finds nothing stored or in flight is forwarded as without a cache.
/// </summary>
internal sealed class BlobCache(PullThroughCache cache)
{
    private const string Kind = "blob";

    /// <summary>Answers the blob request in <paramref name="feature"/>, or hands it to <paramref name="next"/>.</summary>
    public async Task ServeAsync(HttpContext context, RegistryRequestFeature feature, RequestDelegate next)
    {
        if (!Storage.ContentDigest.TryGetSha256(feature.ResolvedRequest.Reference, out var hex))
        {
            await next(context);
            return;
        }

        var repository = CacheUpstream.RepositoryOf(feature);
        if (cache.Fills.Find(repository, hex) is { } inFlight && await TryFollowAsync(context, feature, inFlight, CacheOutcome.Coalesced))
        {
            return;
        }

        if (await TryServeStoredAsync(context, feature, hex, repository))
        {
            return;
        }

        if (cache.SharedAnswers is { } shared && shared.Wants(context.Request)
            && await shared.TryServeAsync(context, feature, hex, repository, cache.Index.IsGranted(hex, repository), ct => ConfirmedAsync(feature, ct)))
        {
            return;
        }

        if (HttpMethods.IsHead(context.Request.Method) || context.Request.Headers.Range.Count > 0)
        {
            await next(context);
            return;
        }

        var fill = cache.Fills.JoinOrStart(repository, hex, f => f.RunAsync(ContextFor(feature, hex, repository)), out var started);
        var outcome = started ? CacheOutcome.Miss : CacheOutcome.Coalesced;

        // A small blob's fetch can be committed before this request follows it: served from the store, it is still
        // the answer of this request's fetch.
        if (await TryFollowAsync(context, feature, fill, outcome)
            || await TryServeStoredAsync(context, feature, hex, repository, outcome))
        {
            return;
        }

        if (fill.Head.Result is FillHead.Streaming && !fill.Verified)
        {
            // The fetch failed after its headers (bytes that did not match the digest, a reset) before this request
            // followed it: forwarding would hand the client the upstream's unverified bytes with a clean end.
            await OciErrors.UpstreamUnreachable().WriteAsync(context);
            return;
        }

        // A bypass (no room reserved, no length, the disk failed) or verified bytes not stored: forward as without a cache.
        await next(context);
    }

    private async Task<bool> TryServeStoredAsync(HttpContext context, RegistryRequestFeature feature, string hex, string repository, CacheOutcome outcome = CacheOutcome.Hit)
    {
        if (cache.Index.TryPin(hex) is not { } content)
        {
            return false;
        }

        try
        {
            if (!cache.Index.IsGranted(hex, repository))
            {
                // Stored for another repository: only this one's upstream can say this one may read it.
                using var confirmation = await ConfirmAsync(feature, context.RequestAborted);
                if (confirmation?.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    return false;
                }

                cache.Index.Grant(hex, repository);
            }

            using var file = cache.Store.TryOpen(hex, content.Size);
            if (file is null)
            {
                return false;
            }

            Answered(feature, outcome);
            cache.SharedReads?.Read(hex);
            if (ContentResponder.WriteHead(context, hex, content.Size, "application/octet-stream", outcome) is { } range)
            {
                cache.Metrics.ServedFromCache(await ContentResponder.CopyFileAsync(context, file, range));
            }

            return true;
        }
        finally
        {
            content.Unpin();
        }
    }

    private async Task<bool> TryFollowAsync(HttpContext context, RegistryRequestFeature feature, BlobFill fill, CacheOutcome outcome)
    {
        var head = await fill.Head.WaitAsync(context.RequestAborted);
        switch (head)
        {
            case FillHead.Streaming streaming when fill.Spool is { } spool && spool.TryAddReference():
                try
                {
                    Answered(feature, outcome);
                    if (ContentResponder.WriteHead(context, fill.Hex, streaming.Length, streaming.ContentType, outcome) is { } range)
                    {
                        await ContentResponder.CopyFillAsync(context, fill, spool, range);
                    }

                    return true;
                }
                finally
                {
                    spool.Release();
                }

            case FillHead.Failed failed:
                if (failed.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = retryAfter;
                }

                await UpstreamErrorMapper.Map(failed.Status, feature.ResolvedRequest, failed.Body).WriteAsync(context);
                return true;

            case FillHead.Unreachable unreachable:
                await (unreachable.TimedOut ? OciErrors.UpstreamTimedOut() : OciErrors.UpstreamUnreachable()).WriteAsync(context);
                return true;

            default:
                // Bypass, or the fetch ended (and released its spool) between being found and being joined.
                return false;
        }
    }

    private async Task<HttpResponseMessage?> ConfirmAsync(RegistryRequestFeature feature, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(feature.Table.Http.ActivityTimeout);
        try
        {
            return await cache.Upstream.SendAsync(feature, HttpMethod.Head, null, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }

    private BlobFillContext ContextFor(RegistryRequestFeature feature, string hex, string repository) => new(
        cancellationToken => cache.Upstream.SendAsync(feature, HttpMethod.Get, null, cancellationToken),
        feature.Resolved.Upstream.Authority,
        feature.Table.Http.ActivityTimeout,
        cache.Stopping,
        cache.Store,
        cache.Index,
        cache.Metrics,
        cache.Log,
        cache.SharedSource is { } source
            ? new SharedFillContext(source, cache.SharedUploads!, ct => ConfirmedAsync(feature, ct), cache.Index.IsGranted(hex, repository))
            : null);

    private async Task<bool> ConfirmedAsync(RegistryRequestFeature feature, CancellationToken cancellationToken)
    {
        using var confirmation = await ConfirmAsync(feature, cancellationToken);
        return confirmation?.StatusCode == System.Net.HttpStatusCode.OK;
    }

    private void Answered(RegistryRequestFeature feature, CacheOutcome outcome)
    {
        feature.CacheOutcome = outcome;
        cache.Metrics.Answered(Kind, outcome);
    }
}
