using Collage.Transforms.Caching.Fleet;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Keeps the shared store's prefix under <c>cache.maxSize</c> for the whole fleet, after uploads. With Redis the
/// fleet's list says what each object weighs and when a replica last read it: one replica at a time (the eviction
/// turn) deletes the least recently read objects down to a low-water mark. Without Redis the prefix is listed (at most
/// every <see cref="ListingInterval"/>) and the oldest uploads go first. Evictions come in rounds, down to 90 % of the
/// limit, not one object per upload.
/// </summary>
internal sealed class SharedEviction(SharedCache shared)
{
    /// <summary>How often the fleet's byte count is checked, at most, after uploads.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>How often the prefix is listed without Redis, at most (a listing reads 1,000 keys a request).</summary>
    public static readonly TimeSpan ListingInterval = TimeSpan.FromMinutes(5);

    private const int Batch = 256;
    private long _notBefore = long.MinValue;
    private int _running;

    /// <summary>Evicts if the shared store is over its limit and it is this replica's turn; never throws.</summary>
    public async Task MaybeRunAsync(CancellationToken cancellationToken)
    {
        var now = shared.Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (shared.Store is not { } store || now < Volatile.Read(ref _notBefore) || Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        try
        {
            var interval = shared.Fleet is null ? ListingInterval : CheckInterval;
            Volatile.Write(ref _notBefore, now + (long)interval.TotalMilliseconds);
            var max = shared.Options.MaxSize;
            var (objects, bytes, total) = shared.Fleet is { } fleet
                ? await ByFleetListAsync(store, fleet, max, cancellationToken)
                : await ByListingAsync(store, max, cancellationToken);
            if (objects > 0)
            {
                shared.Log.Evicted(objects, bytes, total, max);
            }
        }
        catch (SharedStoreUnavailableException ex)
        {
            shared.Failed("s3", "evict", ex);
        }
        catch (FleetUnavailableException ex)
        {
            shared.Failed("redis", "evict", ex);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task<(int Objects, long Bytes, long Total)> ByFleetListAsync(ISharedContentStore store, IFleetCoordinator fleet, long max, CancellationToken cancellationToken)
    {
        var total = await fleet.GetStoredBytesAsync(cancellationToken);
        if (total <= max)
        {
            return (0, 0, total);
        }

        var candidates = await fleet.TakeEvictionCandidatesAsync(Batch, TimeSpan.FromMinutes(1), cancellationToken);
        var low = LowWater(max);
        var (objects, bytes, left) = (0, 0L, total);
        foreach (var candidate in candidates)
        {
            if (left <= low)
            {
                break;
            }

            await store.DeleteAsync(candidate.Hex, cancellationToken);
            await fleet.ForgetAsync(candidate.Hex, cancellationToken);
            shared.Metrics.Evicted();
            (objects, bytes, left) = (objects + 1, bytes + candidate.Length, left - candidate.Length);
        }

        return (objects, bytes, total);
    }

    private async Task<(int Objects, long Bytes, long Total)> ByListingAsync(ISharedContentStore store, long max, CancellationToken cancellationToken)
    {
        var listed = new List<SharedObjectInfo>();
        await foreach (var info in store.ListAsync(cancellationToken))
        {
            listed.Add(info);
        }

        var total = listed.Sum(o => o.Length);
        if (total <= max)
        {
            return (0, 0, total);
        }

        var low = LowWater(max);
        var (objects, bytes, left) = (0, 0L, total);
        foreach (var oldest in listed.OrderBy(o => o.Uploaded))
        {
            if (left <= low)
            {
                break;
            }

            await store.DeleteAsync(oldest.Hex, cancellationToken);
            shared.Metrics.Evicted();
            (objects, bytes, left) = (objects + 1, bytes + oldest.Length, left - oldest.Length);
        }

        return (objects, bytes, total);
    }

    private static long LowWater(long max) => max / 10 * 9;
}
