using Collage.Transforms.Caching.Serving;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Answers from the shared store what a fill does not serve: a HEAD, a Range request (a resumed pull) and, with
/// <c>cache.s3.redirectHits</c>, a GET as a 307 to a presigned URL of the object (as distribution does on S3), for a
/// blob this replica does not hold but another stored. Only for a repository that may read the digest; the object was
/// verified before it was uploaded. Any failure of the store hands the request back, to be forwarded as without a cache.
/// </summary>
internal sealed class SharedBlobAnswers(SharedCache shared, SharedBlobSource source, SharedReads? reads)
{
    /// <summary>Whether a request of this shape is answered here rather than by a fill.</summary>
    public bool Wants(HttpRequest request) =>
        shared.Store is not null
        && (HttpMethods.IsHead(request.Method) || request.Headers.Range.Count > 0 || shared.Options.S3?.RedirectHits == true);

    /// <summary>Answers the request from the shared store; false when it cannot (not there, not granted, failing).</summary>
    public async Task<bool> TryServeAsync(HttpContext context, RegistryRequestFeature feature, string hex, string repository, bool grantedLocally, Func<CancellationToken, Task<bool>> confirm)
    {
        var store = shared.Store!;
        var aborted = context.RequestAborted;
        long? length;
        try
        {
            length = await store.GetLengthAsync(hex, aborted);
        }
        catch (SharedStoreUnavailableException ex)
        {
            shared.Failed("s3", "read", ex);
            return false;
        }

        if (length is not { } known || (!grantedLocally && !await source.IsGrantedAsync(hex, repository, confirm, aborted)))
        {
            return false;
        }

        feature.CacheOutcome = CacheOutcome.Hit;
        shared.Metrics.Answered("blob", CacheOutcome.Hit);
        reads?.Read(hex);
        if (shared.Options.S3?.RedirectHits == true && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = store.Presign(hex, shared.Options.S3.PresignedUrlLifetime).AbsoluteUri;
            context.Response.Headers[RegistryHeaders.DockerContentDigest] = Storage.ContentDigest.Of(hex);
            context.Response.Headers[ContentResponder.CacheHeader] = CacheOutcomeNames.Header(CacheOutcome.Hit);
            return true;
        }

        if (ContentResponder.WriteHead(context, hex, known, "application/octet-stream", CacheOutcome.Hit) is not { } range)
        {
            return true;
        }

        return await CopyAsync(context, store, hex, range);
    }

    private async Task<bool> CopyAsync(HttpContext context, ISharedContentStore store, string hex, ByteRange range)
    {
        SharedObject? opened;
        try
        {
            opened = await store.OpenAsync(hex, range.Start, range.End, context.RequestAborted);
        }
        catch (SharedStoreUnavailableException ex)
        {
            shared.Failed("s3", "read", ex);
            opened = null;
        }

        if (opened is null)
        {
            // Deleted (evicted) since its length was read, or the store failed: nothing has gone out yet.
            context.Response.Headers.Clear();
            context.Response.StatusCode = StatusCodes.Status200OK;
            return false;
        }

        await using (opened)
        {
            try
            {
                await opened.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
                shared.Metrics.ServedFromCache(opened.Length);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException)
            {
                // The store or the client went away mid-body: a broken transfer, never a clean short one.
                context.Abort();
            }
        }

        return true;
    }
}
