using System.Security.Cryptography;
using StackExchange.Redis;

namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// The part of <see cref="RedisFleetCoordinator"/> that lets replicas stream from one another's fetches (who holds a
/// lease, and the fleet's peer key), and records reads that were served without a fill.
/// </summary>
internal sealed partial class RedisFleetCoordinator
{
    private string? _peerKey;

    /// <inheritdoc/>
    public async Task<Uri?> GetHolderAsync(string hex, CancellationToken cancellationToken)
    {
        var value = (string?)await RunAsync("holder", db => db.StringGetAsync(_keys.Lease(hex)), cancellationToken).ConfigureAwait(false);
        var space = value?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
        return space > 0 && Uri.TryCreate(value![(space + 1)..], UriKind.Absolute, out var holder) ? holder : null;
    }

    /// <inheritdoc/>
    public async Task<string> GetPeerKeyAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _peerKey) is { } known)
        {
            return known;
        }

        // The first replica to ask makes it; every later one reads that one. No expiry: it lives as long as the fleet.
        var candidate = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var key = (string?)await RunAsync(
            "peer key",
            async db =>
            {
                await db.StringSetAsync(_keys.PeerKey, candidate, when: When.NotExists).ConfigureAwait(false);
                return await db.StringGetAsync(_keys.PeerKey).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(key))
        {
            throw new FleetUnavailableException("peer key: Redis answered without the key");
        }

        Volatile.Write(ref _peerKey, key);
        return key;
    }

    /// <inheritdoc/>
    public Task TouchIfListedAsync(string hex, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync(
            "touch",
            db => db.SortedSetAddAsync(_keys.Objects, hex, at.ToUnixTimeMilliseconds(), SortedSetWhen.Exists | SortedSetWhen.GreaterThan),
            cancellationToken);
}
