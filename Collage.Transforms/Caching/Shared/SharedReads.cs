using System.Collections.Concurrent;
using Collage.Transforms.Caching.Fleet;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Tells the fleet's eviction list that a replica read an object (<see cref="IFleetCoordinator.TouchAsync"/>) when it
/// served it without a fill: a hit on its own copy, a HEAD, a Range or a redirect to the bucket. Without this the most
/// pulled blobs, served from every replica's local disk, would look never read and be evicted from the bucket first.
/// At most once per object every <see cref="Interval"/>, in the background: a hit costs no round trip.
/// </summary>
internal sealed class SharedReads(SharedCache shared, IFleetCoordinator fleet)
{
    /// <summary>How often one object's read is recorded, at most (eviction orders by it; minutes are fine).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    // Bounded: past this many objects the memo starts afresh (a few touches too many, never a leak).
    private const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, long> _touched = new(StringComparer.Ordinal);

    /// <summary>Records a read of <paramref name="hex"/> unless one was recorded lately.</summary>
    public void Read(string hex)
    {
        var now = shared.Time.GetTimestamp();
        if (_touched.TryGetValue(hex, out var last) && shared.Time.GetElapsedTime(last, now) < Interval)
        {
            return;
        }

        if (_touched.Count >= MaxRemembered)
        {
            _touched.Clear();
        }

        _touched[hex] = now;
        _ = TouchAsync(hex);
    }

    private async Task TouchAsync(string hex)
    {
        try
        {
            await Task.Yield();
            await fleet.TouchIfListedAsync(hex, shared.Time.GetUtcNow(), CancellationToken.None);
        }
        catch (FleetUnavailableException ex)
        {
            shared.Failed("redis", "touch", ex);
        }
    }
}
