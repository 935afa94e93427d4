using Collage.Transforms.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Rewriting;

/// <summary>
/// Streams a blob body from the upstream to the client with a large pooled buffer. YARP's own copy uses a
/// fixed 64 KiB buffer and flushes after every read, which halves blob throughput here (bench/RESULTS.md);
/// nginx needs 256 KiB buffers to match a direct pull, and so does Collage. Never holds a blob whole.
/// </summary>
internal static partial class BlobBodyCopier
{
    /// <summary>Big enough to amortise the per-chunk cost, small enough for hundreds of parallel pulls.</summary>
    public const int BufferSize = 256 * 1024;

    /// <summary>
    /// Copies <paramref name="content"/> to the response. An upstream failure (reset, premature end, a read
    /// silent for longer than <paramref name="activityTimeout"/>) aborts the client's connection, so the client
    /// sees a broken transfer, never a body that ends cleanly short. A client that goes away ends the copy.
    /// </summary>
    /// <returns>Whether the whole body was delivered.</returns>
    public static async Task<bool> CopyAsync(HttpContent content, HttpContext context, TimeSpan activityTimeout, ILogger logger, string upstreamAuthority)
    {
        var clientAborted = context.RequestAborted;
        using var activity = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        Stream upstream;
        try
        {
            upstream = await content.ReadAsStreamAsync(activity.Token);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            return Fail(context, clientAborted, logger, upstreamAuthority, ex);
        }

        await using (upstream)
        {
            // Read straight into the server's output buffer: no copy between the two sockets but the kernel's.
            var writer = context.Response.BodyWriter;
            while (true)
            {
                int read;
                try
                {
                    // The activity timeout is per read, as YARP's: a slow but moving transfer is fine.
                    activity.CancelAfter(activityTimeout);
                    read = await upstream.ReadAsync(writer.GetMemory(BufferSize), activity.Token);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
                {
                    return Fail(context, clientAborted, logger, upstreamAuthority, ex);
                }

                if (read == 0)
                {
                    return true;
                }

                writer.Advance(read);
                try
                {
                    var flushed = await writer.FlushAsync(clientAborted);
                    if (flushed.IsCanceled || flushed.IsCompleted)
                    {
                        return ClientLeft(context);
                    }
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException)
                {
                    return ClientLeft(context);
                }
            }
        }
    }

    private static bool ClientLeft(HttpContext context)
    {
        // The client went away: disposing the upstream stream unread releases its connection. The write can fail
        // before Kestrel has marked the connection aborted; ending the request then would read as a body short of
        // its Content-Length (an error in Kestrel's log), so abort it explicitly.
        context.Abort();
        return false;
    }

    private static bool Fail(HttpContext context, CancellationToken clientAborted, ILogger logger, string upstream, Exception exception)
    {
        if (!clientAborted.IsCancellationRequested)
        {
            // Headers (with Content-Length) may be out already: only an aborted connection tells the truth.
            LogUpstreamFailedMidBlob(logger, upstream, exception is OperationCanceledException ? "silent past the activity timeout" : exception.GetType().Name);
            context.Abort();
        }

        return false;
    }

    [LoggerMessage(EventId = EventIds.UpstreamFailedMidBlob, Level = LogLevel.Warning, Message = "Upstream {Upstream} failed mid-blob ({Reason}); the client's transfer was aborted")]
    private static partial void LogUpstreamFailedMidBlob(ILogger logger, string upstream, string reason);
}
