using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Collage.Transforms.Caching.Storage;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// The fleet's coordination through one Redis (<see cref="IFleetCoordinator"/>), with StackExchange.Redis. Every
/// operation is one round trip (a Lua script where it reads and writes) through <see cref="FleetBreaker"/>, so a Redis
/// that is down fails calls within the operation timeout, and at once after a few failures.
/// </summary>
internal sealed partial class RedisFleetCoordinator : IFleetCoordinator, IAsyncDisposable
{
    // How long the stored marker outlives an announcement: longer than any waiter waits, short enough to stay small.
    private static readonly TimeSpan StoredMarkerTime = TimeSpan.FromMinutes(10);

    // How long a grant outlives its last confirmation: the set goes when no replica served the blob to anyone for long.
    private static readonly TimeSpan GrantTime = TimeSpan.FromDays(30);

    private readonly RedisOptions _options;
    private readonly TimeProvider _time;
    private readonly FleetLog _log;
    private readonly FleetKeys _keys;
    private readonly FleetConnection _connection;
    private readonly FleetBreaker _breaker;
    private readonly ConcurrentDictionary<RedisFetchLease, byte> _leases = new();

    /// <summary>Starts connecting to the Redis of <paramref name="options"/>; a Redis that is down does not throw.</summary>
    public RedisFleetCoordinator(RedisOptions options, TimeProvider time, ILogger<RedisFleetCoordinator> logger)
    {
        _options = options;
        _time = time;
        _log = new FleetLog(logger);
        _keys = new FleetKeys(options.KeyPrefix);
        _breaker = new FleetBreaker(time, _log);
        _connection = new FleetConnection(options, time, _log);
        Channels = new FleetChannels(_connection, _breaker, _keys);
    }

    /// <summary>Whether Redis is usable now: connected, and the breaker closed. For metrics and <c>/readyz</c>.</summary>
    public bool IsAvailable => _connection.IsConnected && _breaker.State == CircuitState.Closed;

    /// <summary>The breaker's state, for tests and diagnostics.</summary>
    internal CircuitState BreakerState => _breaker.State;

    /// <summary>The number of hexes this replica waits on, for tests.</summary>
    internal int WaitingCount => Channels.WaitingCount;

    /// <inheritdoc/>
    public async Task<IFetchLease?> TryAcquireAsync(string hex, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // The owner id, then the URL followers stream from (GetHolderAsync): renewals and the release compare it whole.
        var owner = NewId() + (_options.AdvertiseUrl is { } url ? " " + url.AbsoluteUri : string.Empty);
        var takenAt = _time.GetTimestamp();
        // Not cancelled half-way (the operation timeout bounds it): a SET that went through unseen would leave a lease
        // nobody renews or releases, and the fleet would wait a lease time for it.
        var taken = await RunAsync("lease", db => db.StringSetAsync(_keys.Lease(hex), owner, _options.LeaseTime, When.NotExists), CancellationToken.None)
            .ConfigureAwait(false);
        if (!taken)
        {
            return null;
        }

        var lease = new RedisFetchLease(this, hex, owner, takenAt, _options.LeaseTime, _time, _log);
        _leases.TryAdd(lease, 0);
        if (cancellationToken.IsCancellationRequested)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        return lease;
    }

    /// <inheritdoc/>
    public Task<LeaseWait> WaitAsync(string hex, TimeSpan timeout, CancellationToken cancellationToken) =>
        new LeaseWaitLoop(this, hex, _options.LeaseTime / 6, _time).RunAsync(timeout, cancellationToken);

    /// <inheritdoc/>
    public Task AnnounceStoredAsync(string hex, long length, CancellationToken cancellationToken) =>
        ScriptAsync(
            "announce",
            FleetScripts.Announce,
            [_keys.Stored(hex), _keys.Objects, _keys.Sizes, _keys.Bytes],
            [hex, length, _time.GetUtcNow().ToUnixTimeMilliseconds(), (long)StoredMarkerTime.TotalMilliseconds, _keys.StoredChannel.ToString()],
            cancellationToken);

    /// <inheritdoc/>
    public async Task<TagAnswer?> GetTagAsync(string key, CancellationToken cancellationToken)
    {
        var values = await RunAsync("tag get", db => db.HashGetAsync(_keys.Tag(key), ["h", "m", "f"]), cancellationToken).ConfigureAwait(false);
        return values is [{ HasValue: true } hex, { HasValue: true } mediaType, { HasValue: true } fetchedAt] && fetchedAt.TryParse(out long at)
            ? new TagAnswer(hex.ToString(), mediaType.ToString(), at)
            : null;
    }

    /// <inheritdoc/>
    public Task PutTagAsync(string key, TagAnswer answer, TimeSpan keepFor, CancellationToken cancellationToken) =>
        ScriptAsync(
            "tag put",
            FleetScripts.PutTag,
            [_keys.Tag(key)],
            [answer.Hex, answer.MediaType, answer.FetchedAt, Milliseconds(keepFor)],
            cancellationToken);

    /// <inheritdoc/>
    public Task DeleteTagAsync(string key, CancellationToken cancellationToken) =>
        RunAsync("tag delete", db => db.KeyDeleteAsync(_keys.Tag(key)), cancellationToken);

    /// <inheritdoc/>
    public async Task<DateTimeOffset?> GetBackoffAsync(string authority, CancellationToken cancellationToken)
    {
        var value = await RunAsync("backoff get", db => db.StringGetAsync(_keys.Backoff(authority)), cancellationToken).ConfigureAwait(false);
        if (!value.TryParse(out long until))
        {
            return null;
        }

        var end = DateTimeOffset.FromUnixTimeMilliseconds(until);
        return end > _time.GetUtcNow() ? end : null;
    }

    /// <inheritdoc/>
    public Task EnterBackoffAsync(string authority, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var remaining = until - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        return ScriptAsync(
            "backoff",
            FleetScripts.EnterBackoff,
            [_keys.Backoff(authority)],
            [until.ToUnixTimeMilliseconds(), Milliseconds(remaining)],
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> IsGrantedAsync(string hex, string repository, CancellationToken cancellationToken) =>
        RunAsync("grant check", db => db.SetContainsAsync(_keys.Grants(hex), repository), cancellationToken);

    /// <inheritdoc/>
    public Task GrantAsync(string hex, string repository, CancellationToken cancellationToken) =>
        ScriptAsync("grant", FleetScripts.Grant, [_keys.Grants(hex)], [repository, (long)GrantTime.TotalMilliseconds], cancellationToken);

    /// <inheritdoc/>
    public Task TouchAsync(string hex, long length, DateTimeOffset at, CancellationToken cancellationToken) =>
        ScriptAsync(
            "touch",
            FleetScripts.Touch,
            [_keys.Objects, _keys.Sizes, _keys.Bytes],
            [hex, length, at.ToUnixTimeMilliseconds()],
            cancellationToken);

    /// <inheritdoc/>
    public async Task<long> GetStoredBytesAsync(CancellationToken cancellationToken)
    {
        var value = await RunAsync("bytes", db => db.StringGetAsync(_keys.Bytes), cancellationToken).ConfigureAwait(false);
        return value.TryParse(out long bytes) ? bytes : 0;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SharedObjectEntry>> TakeEvictionCandidatesAsync(int count, TimeSpan hold, CancellationToken cancellationToken)
    {
        if (count <= 0)
        {
            return [];
        }

        var owner = NewId();
        var result = await RunAsync(
            "eviction turn",
            db => db.ScriptEvaluateAsync(FleetScripts.TakeEvictionTurn, [_keys.Evicting, _keys.Objects, _keys.Sizes], [owner, Milliseconds(hold), count]),
            cancellationToken).ConfigureAwait(false);
        var items = (RedisResult[]?)result ?? [];
        var entries = new List<SharedObjectEntry>(items.Length / 3);
        for (var i = 0; i + 2 < items.Length; i += 3)
        {
            var lastRead = (long)double.Parse(items[i + 1].ToString(), NumberStyles.Float, CultureInfo.InvariantCulture);
            entries.Add(new SharedObjectEntry(items[i].ToString(), (long)items[i + 2], DateTimeOffset.FromUnixTimeMilliseconds(lastRead)));
        }

        return entries;
    }

    /// <inheritdoc/>
    public Task ForgetAsync(string hex, CancellationToken cancellationToken) =>
        ScriptAsync("forget", FleetScripts.Forget, [_keys.Objects, _keys.Sizes, _keys.Bytes], [hex], cancellationToken);

    /// <inheritdoc/>
    public async Task<string> GetPeerKeyAsync(CancellationToken cancellationToken)
    {
        // 256 random bits; the first replica's proposal is the one kept, with no expiry. Not cached here: a Redis that
        // restarted empty gets a new key from the next replica to ask, and every replica must then use that one.
        var proposal = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var key = await RunAsync("peer key", db => db.ScriptEvaluateAsync(FleetScripts.PeerKey, [_keys.PeerKey], [proposal]), cancellationToken)
            .ConfigureAwait(false);
        return key.IsNull ? throw new FleetUnavailableException("Redis peer key: answered without the key") : key.ToString();
    }

    /// <summary>Releases the leases still held (their fetches were not disposed), then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_leases.Keys.Select(lease => lease.DisposeAsync().AsTask())).ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        Channels.Dispose();
    }

    /// <summary>Extends <paramref name="hex"/>'s lease if <paramref name="owner"/> still holds it.</summary>
    internal async Task<bool> RenewAsync(string hex, string owner, TimeSpan leaseTime)
    {
        var result = await RunAsync(
            "lease renewal",
            db => db.ScriptEvaluateAsync(FleetScripts.Renew, [_keys.Lease(hex)], [owner, Milliseconds(leaseTime)]),
            CancellationToken.None).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <summary>Deletes <paramref name="hex"/>'s lease if <paramref name="owner"/> still holds it, and tells the waiters.</summary>
    internal Task ReleaseAsync(string hex, string owner) =>
        ScriptAsync("lease release", FleetScripts.Release, [_keys.Lease(hex)], [owner, _keys.ReleasedChannel.ToString(), hex], CancellationToken.None);

    /// <summary>Forgets a lease that was disposed or lost.</summary>
    internal void Untrack(RedisFetchLease lease) => _leases.TryRemove(lease, out _);

    /// <summary>The channels and waiters of this replica.</summary>
    internal FleetChannels Channels { get; }

    /// <summary>
    /// Where <paramref name="hex"/>'s fetch stands: Stored (marker or list), Released (no lease), else null. The three
    /// reads are pipelined: one round trip.
    /// </summary>
    internal Task<LeaseWait?> LookAsync(string hex, CancellationToken cancellationToken) =>
        RunAsync<LeaseWait?>(
            "lease state",
            async db =>
            {
                var marker = db.KeyExistsAsync(_keys.Stored(hex));
                var listed = db.HashExistsAsync(_keys.Sizes, hex);
                var leased = db.KeyExistsAsync(_keys.Lease(hex));
                await Task.WhenAll(marker, listed, leased).ConfigureAwait(false);
                if (marker.Result || listed.Result)
                {
                    return LeaseWait.Stored;
                }

                return leased.Result ? null : LeaseWait.Released;
            },
            cancellationToken);

    private Task ScriptAsync(string name, string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken) =>
        RunAsync(name, db => db.ScriptEvaluateAsync(script, keys, values), cancellationToken);

    private Task<T> RunAsync<T>(string name, Func<IDatabase, Task<T>> operation, CancellationToken cancellationToken) =>
        _breaker.RunAsync(
            name,
            async () =>
            {
                var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
                return await operation(multiplexer.GetDatabase()).ConfigureAwait(false);
            },
            cancellationToken);

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static long Milliseconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalMilliseconds));
}
