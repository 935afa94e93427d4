using StackExchange.Redis;

namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// The names of the fleet's keys and channels, all under <see cref="Configuration.RedisOptions.KeyPrefix"/> so that
/// several fleets can share one Redis. The scripts touch several of them at once, so the fleet needs one Redis (with
/// replicas or Sentinel if wanted), not a Redis Cluster.
/// </summary>
internal sealed class FleetKeys(string prefix)
{
    /// <summary>The sorted set of the shared store's objects, scored by last read (Unix ms).</summary>
    public RedisKey Objects { get; } = prefix + "objects";

    /// <summary>The hash of each object's length, by hex.</summary>
    public RedisKey Sizes { get; } = prefix + "sizes";

    /// <summary>The sum of <see cref="Sizes"/>, kept by the same scripts that change it.</summary>
    public RedisKey Bytes { get; } = prefix + "bytes";

    /// <summary>The eviction turn (SET NX PX): one replica evicts at a time.</summary>
    public RedisKey Evicting { get; } = prefix + "evicting";

    /// <summary>The channel that carries the hex of each blob announced stored.</summary>
    public RedisChannel StoredChannel { get; } = RedisChannel.Literal(prefix + "stored");

    /// <summary>The channel that carries the hex of each lease released without the blob being stored.</summary>
    public RedisChannel ReleasedChannel { get; } = RedisChannel.Literal(prefix + "released");

    /// <summary>The fetch lease of a blob; its value is the holder's random owner id, then a space and its advertised URL if any.</summary>
    public RedisKey Lease(string hex) => prefix + "lease:" + hex;

    /// <summary>The fleet's key for streams between replicas (no expiry: every replica must agree on it).</summary>
    public RedisKey PeerKey { get; } = prefix + "peer-key";

    /// <summary>The marker that a blob was announced stored, for waiters that start after the announcement.</summary>
    public RedisKey Stored(string hex) => prefix + "stored:" + hex;

    /// <summary>A tag answer (a hash of hex, media type and fetched-at).</summary>
    public RedisKey Tag(string key) => prefix + "tag:" + key;

    /// <summary>An upstream's back-off end (Unix ms). Authorities are case-insensitive (RFC 3986 section 3.2.2).</summary>
    public RedisKey Backoff(string authority) => prefix + "backoff:" + authority.ToLowerInvariant();

    /// <summary>The set of repositories that may read a blob.</summary>
    public RedisKey Grants(string hex) => prefix + "grants:" + hex;
}
