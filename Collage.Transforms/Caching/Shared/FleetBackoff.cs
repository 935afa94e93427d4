using System.Collections.Concurrent;
using Collage.Transforms.Caching.Fleet;
using Collage.Transforms.RateLimits;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The per-upstream 429 back-off shared through Redis, so a rate-limited upstream is left alone by every replica, not
/// only by the one that got the 429. A back-off entered here is written to Redis (a later end wins); an upstream this
/// replica holds none for is looked up in Redis at most once per <see cref="LookupInterval"/>, in the background: the
/// request at hand is not delayed by a round trip, and at most one request per replica and interval reaches an
/// upstream the fleet already leaves alone.
/// </summary>
internal sealed class FleetBackoff(SharedCache shared, IFleetCoordinator fleet, UpstreamBackoff backoff) : IBackoffShare
{
    /// <summary>How often one upstream's back-off is looked up in Redis, at most.</summary>
    public static readonly TimeSpan LookupInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, long> _lookedUp = new(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public void Entered(string authority, DateTimeOffset until) =>
        _ = RunAsync(() => fleet.EnterBackoffAsync(authority, until, CancellationToken.None));

    /// <inheritdoc/>
    public void Missed(string authority)
    {
        var now = shared.Time.GetTimestamp();
        var last = _lookedUp.GetOrAdd(authority, long.MinValue);
        if ((last != long.MinValue && shared.Time.GetElapsedTime(last, now) < LookupInterval) || !_lookedUp.TryUpdate(authority, now, last))
        {
            return;
        }

        _ = RunAsync(async () =>
        {
            if (await fleet.GetBackoffAsync(authority, CancellationToken.None) is { } until)
            {
                backoff.EnterShared(authority, until);
            }
        });
    }

    private async Task RunAsync(Func<Task> operation)
    {
        try
        {
            await Task.Yield();
            await operation();
        }
        catch (FleetUnavailableException ex)
        {
            shared.Failed("redis", "backoff", ex);
        }
    }
}
