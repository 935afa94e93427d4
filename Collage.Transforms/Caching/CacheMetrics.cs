using System.Diagnostics;
using System.Diagnostics.Metrics;
using Collage.Transforms.Diagnostics;

namespace Collage.Transforms.Caching;

/// <summary>
/// The pull-through cache's instruments, on Collage's meter: answers by outcome, bytes by source (cache or upstream),
/// evictions, and the cache's size and limit.
/// </summary>
internal sealed class CacheMetrics
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _sharedFailures;
    private readonly Counter<long> _sharedUploads;
    private Func<long> _size = static () => 0;
    private readonly Meter _meter;
    private long _limit;

    public CacheMetrics(CollageMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var meter = metrics.Meter;
        _meter = meter;
        _requests = meter.CreateCounter<long>(
            "collage.cache.requests", unit: "{request}", description: "Requests the pull-through cache answered, by kind and result (hit, miss, coalesced, stale).");
        _bytes = meter.CreateCounter<long>(
            "collage.cache.bytes", unit: "By", description: "Content bytes the cache handled, by source: served from the cache, or fetched from an upstream.");
        _evictions = meter.CreateCounter<long>(
            "collage.cache.evictions", unit: "{item}", description: "Cached blobs and manifests evicted to stay under the size limit.");
        _sharedFailures = meter.CreateCounter<long>(
            "collage.cache.shared.failures", unit: "{failure}", description: "Operations on the shared store (s3) or the fleet's coordination (redis) that failed, by store and operation; the request streamed from the upstream instead.");
        _sharedUploads = meter.CreateCounter<long>(
            "collage.cache.shared.uploads", unit: "{object}", description: "Verified content uploaded to the shared store, by result (stored, failed).");
        meter.CreateObservableGauge("collage.cache.size", () => _size(), unit: "By", description: "Bytes the cache holds on disk, spool files of fetches in flight included.");
        meter.CreateObservableGauge("collage.cache.limit", () => Volatile.Read(ref _limit), unit: "By", description: "The cache's size limit (maxSize).");
    }

    /// <summary>
    /// Adds <c>collage.cache.shared.available</c>, 1 while the shared store (s3) or the fleet's Redis is usable and 0
    /// while its circuit is open, for each of the two that is configured.
    /// </summary>
    public void ObserveShared(Func<bool>? s3, Func<bool>? redis)
    {
        if (s3 is null && redis is null)
        {
            return;
        }

        _meter.CreateObservableGauge("collage.cache.shared.available", () => Available(s3, redis), unit: "{store}", description: "1 while the shared store (s3) or the fleet's Redis (redis) is usable, 0 while it fails and the cache streams from the upstream.");
    }

    private static IEnumerable<Measurement<int>> Available(Func<bool>? s3, Func<bool>? redis)
    {
        if (s3 is not null)
        {
            yield return new Measurement<int>(s3() ? 1 : 0, new KeyValuePair<string, object?>("store", "s3"));
        }

        if (redis is not null)
        {
            yield return new Measurement<int>(redis() ? 1 : 0, new KeyValuePair<string, object?>("store", "redis"));
        }
    }

    /// <summary>Points the size gauges at the open cache.</summary>
    public void Observe(Func<long> size, long limit)
    {
        _size = size;
        Volatile.Write(ref _limit, limit);
    }

    /// <summary>Counts one answer of <paramref name="kind"/> (blob, manifest, tags, referrers) with <paramref name="outcome"/>.</summary>
    public void Answered(string kind, CacheOutcome outcome)
    {
        var tags = new TagList { { "kind", kind }, { "result", CacheOutcomeNames.Lower(outcome) } };
        _requests.Add(1, in tags);
    }

    /// <summary>Counts bytes served to a client from the cache.</summary>
    public void ServedFromCache(long bytes) => Bytes(bytes, "cache");

    /// <summary>Counts bytes fetched from an upstream into the cache.</summary>
    public void FetchedUpstream(long bytes) => Bytes(bytes, "upstream");

    /// <summary>Counts bytes fetched from the shared store (another replica's fetch) into this replica's cache.</summary>
    public void FetchedShared(long bytes) => Bytes(bytes, "shared");

    /// <summary>Counts one failed operation on the shared <paramref name="store"/> (s3, redis).</summary>
    public void SharedFailed(string store, string operation)
    {
        var tags = new TagList { { "store", store }, { "operation", operation } };
        _sharedFailures.Add(1, in tags);
    }

    /// <summary>Counts one upload to the shared store with its <paramref name="result"/> (stored, failed).</summary>
    public void SharedUploaded(string result) => _sharedUploads.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>Counts one eviction.</summary>
    public void Evicted() => _evictions.Add(1);

    private void Bytes(long bytes, string source)
    {
        if (bytes > 0)
        {
            _bytes.Add(bytes, new KeyValuePair<string, object?>("source", source));
        }
    }
}
