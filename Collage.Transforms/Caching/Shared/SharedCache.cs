using System.Collections.Concurrent;
using Collage.Transforms.Caching.Fleet;
using Collage.Transforms.Configuration;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// What replicas share of the pull-through cache: the bucket verified content is uploaded to
/// (<see cref="ISharedContentStore"/>, with <c>cache.store: "s3"</c>) and the Redis they coordinate through
/// (<see cref="IFleetCoordinator"/>, with <c>cache.redis</c>), either, both or neither. Each replica keeps its own
/// spool and local copies (<see cref="PullThroughCache"/>); this adds the fleet around them. A failure of either is
/// logged (at most once per store every <see cref="FailureLogInterval"/>), counted, and answered by streaming from
/// the upstream, never by a client error.
/// </summary>
internal sealed class SharedCache : IAsyncDisposable
{
    /// <summary>How often an outage of one store is logged again while it lasts; the metric counts every failure.</summary>
    public static readonly TimeSpan FailureLogInterval = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, long> _lastLogged = new(StringComparer.Ordinal);

    public SharedCache(CacheOptions options, ISharedContentStore? store, IFleetCoordinator? fleet, CacheMetrics metrics, SharedLog log, TimeProvider time)
    {
        Options = options;
        Store = store;
        Fleet = fleet;
        Metrics = metrics;
        Log = log;
        Time = time;
        Peers = fleet is not null && options.Redis is { Followers: FleetFollowers.Stream, AdvertiseUrl: not null } ? new FleetPeers() : null;
    }

    /// <summary>Whether there is anything shared at all.</summary>
    public bool IsEnabled => Store is not null || Fleet is not null;

    /// <summary>The cache's options (<c>maxSize</c> bounds the shared store).</summary>
    public CacheOptions Options { get; }

    /// <summary>The shared bucket, or null with the filesystem store.</summary>
    public ISharedContentStore? Store { get; }

    /// <summary>The fleet's coordination, or null without <c>cache.redis</c>.</summary>
    public IFleetCoordinator? Fleet { get; }

    /// <summary>The client that streams blobs from other replicas' fetches; null when followers wait for the store.</summary>
    public FleetPeers? Peers { get; }

    public CacheMetrics Metrics { get; }

    public SharedLog Log { get; }

    public TimeProvider Time { get; }

    /// <summary>Records a failure of <paramref name="store"/> (s3, redis) during <paramref name="operation"/>.</summary>
    public void Failed(string store, string operation, Exception exception)
    {
        Metrics.SharedFailed(store, operation);
        var now = Time.GetTimestamp();
        var last = _lastLogged.GetOrAdd(store, long.MinValue);
        if (last == long.MinValue || Time.GetElapsedTime(last, now) >= FailureLogInterval)
        {
            if (_lastLogged.TryUpdate(store, now, last))
            {
                Log.Degraded(store, operation, exception.Message);
            }
        }
    }

    /// <summary>Releases <paramref name="lease"/>; a Redis that fails here lets the lease expire instead.</summary>
    public static async ValueTask ReleaseQuietlyAsync(IFetchLease lease)
    {
        try
        {
            await lease.DisposeAsync();
        }
        catch (Exception ex) when (ex is FleetUnavailableException or OperationCanceledException)
        {
            // It expires by itself within the lease time.
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Fleet is IAsyncDisposable fleet)
        {
            await fleet.DisposeAsync();
        }

        if (Store is IDisposable store)
        {
            store.Dispose();
        }

        Peers?.Dispose();
    }
}
