using System.Collections.Concurrent;

namespace Collage.Transforms.RateLimits;

/// <summary>
/// Which upstreams are being left alone, and until when: one entry per upstream authority (<c>host[:port]</c>), set
/// when the upstream answers 429 (RFC 6585 section 4) and read before every request to it by
/// <see cref="RateLimitHandler"/>.
/// </summary>
/// <remarks>
/// One instance per host, registered beside the handler chain and not inside a client: a config reload rebuilds the
/// upstream clients, and a rebuilt client must still leave a rate-limited upstream alone (sending it requests early
/// only prolongs the limit). Keyed by authority, so every mount, namespace and client of one registry shares its
/// back-off, as the registry's limit is its own and not per mount.
/// </remarks>
internal sealed class UpstreamBackoff(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _until = new(StringComparer.OrdinalIgnoreCase);
    private IBackoffShare? _share;

    /// <summary>The clock the back-off runs on.</summary>
    public TimeProvider TimeProvider { get; } = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));

    /// <summary>Shares this replica's back-offs with the fleet from now on (set once, at start-up).</summary>
    public void Share(IBackoffShare share) => Volatile.Write(ref _share, share);

    /// <summary>
    /// Enters a back-off another replica entered (through the <see cref="IBackoffShare"/>), without sharing it again.
    /// </summary>
    public void EnterShared(string authority, DateTimeOffset until)
    {
        var left = until - TimeProvider.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            EnterCore(authority, left);
        }
    }

    /// <summary>
    /// Leaves <paramref name="authority"/> alone for <paramref name="retryAfter"/> from now. A back-off already in
    /// force that ends later is kept: two 429s racing each other must not shorten the wait the later one asked for.
    /// </summary>
    /// <param name="authority">The upstream's <c>host[:port]</c>.</param>
    /// <param name="retryAfter">How long to leave it alone; must be positive.</param>
    /// <returns>Whether the upstream was not in back-off before, so the caller logs the start of a back-off once.</returns>
    public bool Enter(string authority, TimeSpan retryAfter)
    {
        ArgumentException.ThrowIfNullOrEmpty(authority);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryAfter, TimeSpan.Zero);
        var entered = EnterCore(authority, retryAfter);
        Volatile.Read(ref _share)?.Entered(authority, TimeProvider.GetUtcNow() + retryAfter);
        return entered;
    }

    private bool EnterCore(string authority, TimeSpan retryAfter)
    {
        var now = TimeProvider.GetUtcNow();
        var until = now + retryAfter;
        var entered = false;
        _until.AddOrUpdate(
            authority,
            _ =>
            {
                entered = true;
                return until;
            },
            (_, current) =>
            {
                // An expired entry not yet swept counts as no back-off.
                entered = current <= now;
                return entered || until > current ? until : current;
            });
        return entered;
    }

    /// <summary>Whether <paramref name="authority"/> is in back-off, and for how much longer.</summary>
    /// <param name="authority">The upstream's <c>host[:port]</c>.</param>
    /// <param name="remaining">The time left, positive; <see cref="TimeSpan.Zero"/> when not in back-off.</param>
    public bool TryGetRemaining(string authority, out TimeSpan remaining)
    {
        ArgumentException.ThrowIfNullOrEmpty(authority);

        if (_until.TryGetValue(authority, out var until))
        {
            var left = until - TimeProvider.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                remaining = left;
                return true;
            }

            // Over: drop the entry unless a new 429 replaced it meanwhile, so the map holds only live back-offs.
            _until.TryRemove(KeyValuePair.Create(authority, until));
        }

        Volatile.Read(ref _share)?.Missed(authority);
        remaining = TimeSpan.Zero;
        return false;
    }
}
