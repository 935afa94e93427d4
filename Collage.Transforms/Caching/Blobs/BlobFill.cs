using Collage.Transforms.Caching.Storage;
using Collage.Transforms.Rewriting;

namespace Collage.Transforms.Caching.Blobs;

/// <summary>
/// One upstream fetch of one blob, shared by every client that asks for it while it runs (single flight). The fetch
/// belongs to no client: it writes the spool file and hashes the bytes as they land, and its readers (the first client
/// included) read the file as it grows. The last byte is released only once the digest matched, so a mismatch aborts
/// every reader's transfer before it could end cleanly with wrong bytes, and nothing is stored. When every reader has
/// gone the fetch still finishes (bounded by the activity timeout), so a client's retry finds the blob cached.
/// </summary>
internal sealed class BlobFill
{
    private readonly TaskCompletionSource<FillHead> _head = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _written;
    private int _state; // 0 running, 1 verified, 2 failed
    private bool _mismatched;
    private string _failure = "the upstream fetch failed";

    public BlobFill(string hex, string repository)
    {
        Hex = hex;
        Repository = repository;
    }

    /// <summary>The blob's sha256 hex.</summary>
    public string Hex { get; }

    /// <summary>The repository (upstream authority and name) it is fetched for.</summary>
    public string Repository { get; }

    /// <summary>The upstream's answer, once its headers arrived.</summary>
    public Task<FillHead> Head => _head.Task;

    /// <summary>The spool file, once streaming.</summary>
    public SpoolFile? Spool { get; private set; }

    /// <summary>Whether every byte arrived and matched the digest.</summary>
    public bool Verified => Volatile.Read(ref _state) == 1;

    /// <summary>
    /// Waits until bytes past <paramref name="position"/> may be read, and returns how far reading may go. Returns
    /// <paramref name="position"/> itself only at the verified end. Throws <see cref="FillFailedException"/> when
    /// the fetch failed.
    /// </summary>
    public async ValueTask<long> WaitBeyondAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The signal first, then the state: a change after this read completes the captured signal.
            var signal = Volatile.Read(ref _progress).Task;
            var state = Volatile.Read(ref _state);
            var written = Interlocked.Read(ref _written);
            if (state == 2)
            {
                throw new FillFailedException(_failure);
            }

            // The last byte waits for the verdict: a reader can never finish on bytes that were not verified.
            var readable = state == 1 ? written : written - 1;
            if (readable > position || state == 1)
            {
                return readable;
            }

            await signal.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Runs the fetch to its end; never throws.</summary>
    public async Task RunAsync(BlobFillContext context)
    {
        long reserved = 0;
        Shared.SharedFetch? fetch = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Stopping);
            using var response = await OpenAsync(context, timeout, f => fetch = f);
            var status = (int)response.StatusCode;
            if (status != 200)
            {
                var body = await BoundedContent.ReadAsync(response.Content, 64 * 1024, timeout.Token);
                _head.TrySetResult(new FillHead.Failed(status, body ?? [], response.Headers.RetryAfter?.ToString()));
                Fail("the upstream answered with an error");
                return;
            }

            var length = response.Content.Headers.ContentLength;
            if (length is not { } known || !context.Index.TryReserve(known))
            {
                // maxSize counts spool files: content that cannot be reserved (unknown length, larger than the limit,
                // or everything else pinned) is not spooled at all, and its readers are forwarded as without a cache.
                _head.TrySetResult(new FillHead.Bypass());
                Fail("the content does not fit the cache");
                return;
            }

            reserved = known;
            try
            {
                Spool = context.Store.CreateSpool(Hex, length);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                context.Log.StoreFailed(ex.Message);
                _head.TrySetResult(new FillHead.Bypass());
                Fail("the cache could not spool");
                return;
            }

            _head.TrySetResult(new FillHead.Streaming(length, response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream"));
            var total = await CopyToSpoolAsync(response, context, timeout);
            if (total is null)
            {
                return;
            }

            Signal(1);
            if (fetch?.FromShared == true)
            {
                context.Metrics.FetchedShared(total.Value);
            }
            else
            {
                context.Metrics.FetchedUpstream(total.Value);
            }

            try
            {
                context.Store.Commit(Spool, Hex);
                context.Index.Commit(Hex, total.Value, null, reserved);
                reserved = 0;
                context.Index.Grant(Hex, Repository);
                if (fetch is not null)
                {
                    context.Shared!.Uploads.Stored(fetch, Hex, Repository, context.Store.PathOf(Hex), total.Value, context.Stopping);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The readers have their verified bytes; only the cache misses out.
                context.Log.StoreFailed(ex.Message);
            }
        }
        catch (Exception ex)
        {
            // Before the headers: no answer (502/504). After them: the readers' transfers are aborted. Any exception,
            // not only the transport's: a source that fails in its own way (a shared store's stream) must still end
            // the fill, or its readers would wait for bytes that never come.
            _head.TrySetResult(new FillHead.Unreachable(ex is OperationCanceledException));
            context.Log.FillFailed(context.Upstream, ex is OperationCanceledException ? "silent past the activity timeout" : ex.GetType().Name);
            Fail("the upstream fetch failed");
        }
        finally
        {
            if (reserved > 0)
            {
                context.Index.Release(reserved);
            }

            Spool?.Release();
            if (fetch is not null)
            {
                if (fetch.FromShared && _mismatched)
                {
                    context.Shared!.Uploads.Unverified(Hex, context.Stopping);
                }

                await fetch.DisposeAsync();
            }
        }
    }

    // Without a fleet: the upstream, within the activity timeout. With one: the shared store or the upstream under
    // a lease (SharedBlobSource); waiting on another replica's lease does not use up the upstream's timeout.
    private async Task<HttpResponseMessage> OpenAsync(BlobFillContext context, CancellationTokenSource timeout, Action<Shared.SharedFetch> opened)
    {
        if (context.Shared is not { } shared)
        {
            timeout.CancelAfter(context.ActivityTimeout);
            return await context.Send(timeout.Token);
        }

        var fetch = await shared.Source.OpenAsync(
            Hex,
            Repository,
            shared.GrantedLocally,
            _ =>
            {
                timeout.CancelAfter(context.ActivityTimeout);
                return context.Send(timeout.Token);
            },
            shared.Confirm,
            context.ActivityTimeout,
            context.Stopping);
        opened(fetch);
        timeout.CancelAfter(context.ActivityTimeout);
        return fetch.Response;
    }

    private async Task<long?> CopyToSpoolAsync(HttpResponseMessage response, BlobFillContext context, CancellationTokenSource timeout)
    {
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var (total, actual) = await SpoolCopy.RunAsync(body, Spool!, context.ActivityTimeout, timeout, written =>
        {
            Interlocked.Exchange(ref _written, written);
            Signal(0);
        });

        var length = response.Content.Headers.ContentLength;
        if ((length is { } expected && expected != total) || !actual.Equals(Hex, StringComparison.Ordinal))
        {
            _mismatched = true;
            context.Log.DigestMismatch(context.Upstream, ContentDigest.Of(Hex));
            Fail("the upstream's bytes did not match the digest");
            return null;
        }

        return total;
    }

    private void Fail(string reason)
    {
        _failure = reason;
        _head.TrySetResult(new FillHead.Unreachable(false));
        Signal(2);
    }

    private void Signal(int state)
    {
        if (state != 0)
        {
            Volatile.Write(ref _state, state);
        }

        Interlocked.Exchange(ref _progress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
