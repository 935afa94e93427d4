using Collage.Transforms.Caching.Storage;

namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// What the replicas of one Collage fleet share through Redis (<c>cache.redis</c>): who fetches which blob (a lease per
/// digest, so the fleet sends one upstream GET per blob), the news that a blob was stored, tag answers, upstream
/// back-offs after a 429, which repository may read which digest, and the list of what the shared store holds (size
/// and last read) for eviction. Every member throws <see cref="FleetUnavailableException"/> when Redis cannot be used,
/// quickly (its circuit opens after a few failures): callers then fall back to what this replica knows alone.
/// </summary>
internal interface IFleetCoordinator
{
    /// <summary>
    /// Takes the fetch lease of <paramref name="hex"/>, or null when another replica holds it. The lease is renewed in
    /// the background until disposed (which releases it); when renewal fails it is <see cref="IFetchLease.Lost"/>.
    /// </summary>
    Task<IFetchLease?> TryAcquireAsync(string hex, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until <paramref name="hex"/> is announced stored (<see cref="AnnounceStoredAsync"/>), or its lease is
    /// released or expires without that (the holder failed or died), or <paramref name="timeout"/> passes.
    /// </summary>
    Task<LeaseWait> WaitAsync(string hex, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Tells every replica that <paramref name="hex"/> (<paramref name="length"/> bytes) is in the shared store.</summary>
    Task AnnounceStoredAsync(string hex, long length, CancellationToken cancellationToken);

    /// <summary>The fleet's answer for a tag key (repository, tag and <c>Accept</c>), or null.</summary>
    Task<TagAnswer?> GetTagAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores the fleet's answer for a tag key, kept for <paramref name="keepFor"/> (TTL plus stale-if-error).</summary>
    Task PutTagAsync(string key, TagAnswer answer, TimeSpan keepFor, CancellationToken cancellationToken);

    /// <summary>Forgets the fleet's answer for a tag key (the upstream said the tag is gone).</summary>
    Task DeleteTagAsync(string key, CancellationToken cancellationToken);

    /// <summary>Until when the fleet leaves <paramref name="authority"/> alone after a 429, or null.</summary>
    Task<DateTimeOffset?> GetBackoffAsync(string authority, CancellationToken cancellationToken);

    /// <summary>Leaves <paramref name="authority"/> alone until <paramref name="until"/>, fleet-wide (a later end wins).</summary>
    Task EnterBackoffAsync(string authority, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Whether a replica recorded that <paramref name="repository"/> may read <paramref name="hex"/>.</summary>
    Task<bool> IsGrantedAsync(string hex, string repository, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="repository"/> may read <paramref name="hex"/> (its upstream served or confirmed it).</summary>
    Task GrantAsync(string hex, string repository, CancellationToken cancellationToken);

    /// <summary>Records that the shared store holds <paramref name="hex"/> (<paramref name="length"/> bytes), read at <paramref name="at"/>.</summary>
    Task TouchAsync(string hex, long length, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>The bytes the shared store holds, by this list.</summary>
    Task<long> GetStoredBytesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the fleet's eviction turn for <paramref name="hold"/> (one replica evicts at a time), then returns the
    /// least recently read objects, oldest first, up to <paramref name="count"/>; empty when another replica has the turn.
    /// </summary>
    Task<IReadOnlyList<SharedObjectEntry>> TakeEvictionCandidatesAsync(int count, TimeSpan hold, CancellationToken cancellationToken);

    /// <summary>Removes <paramref name="hex"/> from the list (after its object was deleted).</summary>
    Task ForgetAsync(string hex, CancellationToken cancellationToken);

    /// <summary>
    /// The advertised URL of the replica holding the fetch lease of <paramref name="hex"/>, or null when nobody holds it
    /// or the holder advertises none (<see cref="Configuration.RedisOptions.AdvertiseUrl"/>).
    /// </summary>
    Task<Uri?> GetHolderAsync(string hex, CancellationToken cancellationToken);

    /// <summary>
    /// The fleet's key for streams between replicas, the same for every replica of the fleet (made by the first one to
    /// ask, kept in Redis): a follower sends it, a holder checks it, so a client cannot read in-flight blobs past the
    /// grants by calling a replica's fleet endpoint.
    /// </summary>
    Task<string> GetPeerKeyAsync(CancellationToken cancellationToken);
}
