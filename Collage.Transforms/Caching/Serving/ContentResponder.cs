using System.Globalization;
using Collage.Transforms.Caching.Blobs;
using Collage.Transforms.Caching.Storage;
using Collage.Transforms.Registry;
using Collage.Transforms.Rewriting;
using Microsoft.AspNetCore.Http;
using Microsoft.Win32.SafeHandles;

namespace Collage.Transforms.Caching.Serving;

/// <summary>
/// Writes content the cache holds (a stored file, or a spool file as it grows) as the registry would: the exact
/// <c>Content-Type</c>, <c>Content-Length</c> and <c>Docker-Content-Digest</c>, <c>ETag</c> as the digest, byte ranges
/// (206, or 416 past the end), HEAD without a body, and <c>X-Cache</c> with how the cache answered.
/// </summary>
internal static class ContentResponder
{
    /// <summary>The response header that says how the cache answered (HIT, MISS, COALESCED, STALE).</summary>
    public const string CacheHeader = "X-Cache";

    private const long SmallContentBytes = 64 * 1024;

    /// <summary>
    /// Writes the status and headers. Returns the range to send, or null when the answer is complete (HEAD, 416).
    /// A <paramref name="length"/> of null (an upstream without Content-Length) serves the whole body chunked.
    /// </summary>
    public static ByteRange? WriteHead(HttpContext context, string hex, long? length, string contentType, CacheOutcome outcome)
    {
        var response = context.Response;
        var digest = ContentDigest.Of(hex);
        var etag = $"\"{digest}\"";
        response.Headers[RegistryHeaders.DockerContentDigest] = digest;
        response.Headers.ETag = etag;
        response.Headers[CacheHeader] = CacheOutcomeNames.Header(outcome);
        response.ContentType = contentType;
        if (length is not { } known)
        {
            response.StatusCode = StatusCodes.Status200OK;
            return HttpMethods.IsHead(context.Request.Method) ? null : new ByteRange(0, long.MaxValue);
        }

        response.Headers.AcceptRanges = "bytes";
        var range = new ByteRange(0, known);
        if (ByteRange.TryParse(context.Request, known, etag, out var requested, out var unsatisfiable))
        {
            range = requested;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {range.Start}-{range.End - 1}/{known}");
        }
        else if (unsatisfiable)
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes */{known}");
            response.ContentLength = 0;
            return null;
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
        }

        response.ContentLength = range.Length;
        return HttpMethods.IsHead(context.Request.Method) ? null : range;
    }

    /// <summary>Sends <paramref name="range"/> of a stored file. Returns the bytes sent.</summary>
    public static async Task<long> CopyFileAsync(HttpContext context, SafeFileHandle file, ByteRange range)
    {
        var writer = context.Response.BodyWriter;
        var aborted = context.RequestAborted;
        var position = range.Start;
        try
        {
            while (position < range.End)
            {
                var want = (int)Math.Min(range.End - position, BlobBodyCopier.BufferSize);
                // Small content (manifests, configs) is read synchronously: one copy from the page cache, where the
                // asynchronous read's thread hop would cost more than the read.
                var read = range.Length <= SmallContentBytes
                    ? RandomAccess.Read(file, writer.GetSpan(want)[..want], position)
                    : await RandomAccess.ReadAsync(file, writer.GetMemory(want)[..want], position, aborted);
                if (read == 0)
                {
                    // Shorter than its index entry: impossible for a verified file unless someone truncated it.
                    context.Abort();
                    break;
                }

                writer.Advance(read);
                position += read;
                var flushed = await writer.FlushAsync(aborted);
                if (flushed.IsCanceled || flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            context.Abort();
        }

        return position - range.Start;
    }

    /// <summary>
    /// Sends <paramref name="range"/> of a fetch's spool file as its bytes arrive. A failed fetch (reset, silence,
    /// digest mismatch) aborts the client's connection: the client sees a broken transfer, never a clean end.
    /// </summary>
    public static async Task<long> CopyFillAsync(HttpContext context, BlobFill fill, SpoolFile spool, ByteRange range)
    {
        var writer = context.Response.BodyWriter;
        var aborted = context.RequestAborted;
        var position = range.Start;
        try
        {
            while (position < range.End)
            {
                var readable = await fill.WaitBeyondAsync(position, aborted);
                if (readable <= position)
                {
                    break;
                }

                // Everything readable, a buffer at a time; the bytes were just written, so the page cache has them and
                // a synchronous read is a copy, without the thread hop of an asynchronous one.
                var end = Math.Min(readable, range.End);
                while (position < end)
                {
                    var want = (int)Math.Min(end - position, BlobBodyCopier.BufferSize);
                    var read = RandomAccess.Read(spool.Handle, writer.GetSpan(want)[..want], position);
                    if (read == 0)
                    {
                        context.Abort();
                        return position - range.Start;
                    }

                    writer.Advance(read);
                    position += read;
                    var flushed = await writer.FlushAsync(aborted);
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        return position - range.Start;
                    }
                }
            }
        }
        catch (FillFailedException) when (!context.Response.HasStarted)
        {
            // Nothing has gone out yet (a small blob fails before its first bytes): a clear 502 beats a reset.
            context.Response.Headers.Clear();
            await OciErrors.UpstreamUnreachable().WriteAsync(context);
            return 0;
        }
        catch (Exception ex) when (ex is FillFailedException or IOException or OperationCanceledException)
        {
            context.Abort();
        }

        return position - range.Start;
    }
}
