using StackExchange.Redis;

namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// The part of <see cref="RedisFleetCoordinator"/> that tells a follower who holds a lease (to stream from its fetch)
/// and records reads that were served without a fill.
/// </summary>
internal sealed partial class RedisFleetCoordinator
{
    /// <inheritdoc/>
    public async Task<Uri?> GetHolderAsync(string hex, CancellationToken cancellationToken)
    {
        var value = (string?)await RunAsync("holder", db => db.StringGetAsync(_keys.Lease(hex)), cancellationToken).ConfigureAwait(false);
        var space = value?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        return space > 0 && Uri.TryCreate(value![(space + 1)..], UriKind.Absolute, out var holder) ? holder : null;
    }

    /// <inheritdoc/>
    public Task TouchIfListedAsync(string hex, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync(
            "touch",
            db => db.SortedSetAddAsync(_keys.Objects, hex, at.ToUnixTimeMilliseconds(), SortedSetWhen.Exists | SortedSetWhen.GreaterThan),
            cancellationToken);
}
