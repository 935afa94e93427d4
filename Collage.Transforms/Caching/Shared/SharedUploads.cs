using Collage.Transforms.Caching.Fleet;
using Collage.Transforms.Caching.Storage;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// What follows a verified fetch on this replica: the upload of the blob to the shared store (unless it came from
/// there), then, on Redis, the repository's grant, the object's entry in the eviction list and the news for replicas
/// waiting on this replica's lease, and last the lease's release. Runs after the local commit and off the readers'
/// path: they already have their bytes. A failed upload leaves the blob in this replica's cache only, and releases
/// the lease so a waiting replica fetches it itself.
/// </summary>
internal sealed class SharedUploads(SharedCache shared, SharedEviction eviction)
{
    private int _running;

    /// <summary>How many uploads run now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Starts what follows the commit of <paramref name="hex"/>, read through <paramref name="fetch"/>.</summary>
    public void Stored(SharedFetch fetch, string hex, string repository, string path, long length, CancellationToken stopping)
    {
        var lease = fetch.TakeLease();
        Interlocked.Increment(ref _running);
        _ = RunAsync(fetch.FromShared, lease, hex, repository, path, length, stopping);
    }

    /// <summary>
    /// Deletes the shared store's copy of <paramref name="hex"/>, whose bytes did not match the digest (the bucket was
    /// written by something else, or the object rotted): the next fetch goes to the upstream.
    /// </summary>
    public void Unverified(string hex, CancellationToken stopping)
    {
        shared.Log.SharedCopyCorrupt(ContentDigest.Of(hex));
        _ = DeleteAsync(hex, stopping);
    }

    private async Task DeleteAsync(string hex, CancellationToken stopping)
    {
        try
        {
            await shared.Store!.DeleteAsync(hex, stopping);
            if (shared.Fleet is { } fleet)
            {
                await fleet.ForgetAsync(hex, stopping);
            }
        }
        catch (Exception ex) when (ex is SharedStoreUnavailableException or FleetUnavailableException or OperationCanceledException)
        {
            shared.Failed(ex is FleetUnavailableException ? "redis" : "s3", "delete", ex);
        }
    }

    private async Task RunAsync(bool fromShared, IFetchLease? lease, string hex, string repository, string path, long length, CancellationToken stopping)
    {
        await Task.Yield();
        var uploaded = false;
        try
        {
            var inStore = fromShared || (shared.Store is not null && await UploadAsync(hex, path, length, stopping));
            uploaded = inStore && !fromShared;
            if (shared.Fleet is { } fleet)
            {
                await AnnounceAsync(fleet, fromShared, inStore, hex, repository, length, stopping);
            }
        }
        finally
        {
            if (lease is not null)
            {
                await SharedCache.ReleaseQuietlyAsync(lease);
            }

            Interlocked.Decrement(ref _running);
        }

        if (uploaded)
        {
            await eviction.MaybeRunAsync(stopping);
        }
    }

    private async Task<bool> UploadAsync(string hex, string path, long length, CancellationToken stopping)
    {
        try
        {
            await shared.Store!.UploadAsync(hex, path, length, stopping);
            shared.Metrics.SharedUploaded("stored");
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Collage is stopping: the blob stays in this replica's cache, and the next replica to miss it fetches it.
            shared.Metrics.SharedUploaded("failed");
            return false;
        }
        catch (Exception ex) when (ex is SharedStoreUnavailableException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            // IOException: this replica's copy was evicted before the upload opened it; the next fetch uploads it.
            shared.Metrics.SharedUploaded("failed");
            shared.Metrics.SharedFailed("s3", "upload");
            shared.Log.UploadFailed(ContentDigest.Of(hex), ex is SharedStoreUnavailableException ? ex.Message : ex.GetType().Name);
            return false;
        }
    }

    private async Task AnnounceAsync(IFleetCoordinator fleet, bool fromShared, bool inStore, string hex, string repository, long length, CancellationToken stopping)
    {
        try
        {
            await fleet.GrantAsync(hex, repository, stopping);
            if (inStore)
            {
                await fleet.TouchAsync(hex, length, shared.Time.GetUtcNow(), stopping);
                if (!fromShared)
                {
                    await fleet.AnnounceStoredAsync(hex, length, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: waiters see the lease go when it is released below, or when it expires.
        }
        catch (Exception ex) when (ex is FleetUnavailableException or OperationCanceledException)
        {
            // Waiters find the object when their wait ends (the lease's release or expiry), or fetch it themselves.
            shared.Failed("redis", "announce", ex);
        }
    }
}
