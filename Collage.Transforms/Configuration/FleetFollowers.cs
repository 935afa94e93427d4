namespace Collage.Transforms.Configuration;

/// <summary>
/// What a replica does with a blob another replica is fetching for the fleet (<c>cache.redis.followers</c>).
/// </summary>
public enum FleetFollowers
{
    /// <summary>
    /// Streams it from the holder's fetch as it lands (the holder's <see cref="RedisOptions.AdvertiseUrl"/>), verified
    /// again here; a holder without an advertised URL is waited for instead.
    /// </summary>
    Stream,

    /// <summary>Waits until the holder stored it in the shared store, then reads it from there.</summary>
    Wait,
}
