using System.Net;
using System.Net.Http.Headers;
using Collage.Transforms.Caching.Fleet;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Decides where a replica's fetch of a missing blob reads from, so the fleet sends one upstream GET per blob: the
/// shared store when another replica stored it; else the upstream under this replica's fetch lease; else, while
/// another replica holds the lease, wait for its news (stored: read the shared store; released or expired without
/// it: try again) for at most the upstream's activity timeout. The shared copy is read only by a repository its
/// upstream let read the digest (a grant, or a HEAD that says 200), as with the local cache. Redis or S3 failing at
/// any step means the upstream, as without them: mid-body as well (<see cref="UpstreamFallbackBody"/>).
/// </summary>
internal sealed class SharedBlobSource(SharedCache shared)
{
    // Stored, released, stored again: a lease changes hands at most a few times before one fetch ends the wait.
    private const int Rounds = 3;

    // How long a read of the shared store's body may wait for bytes before the store counts as failed.
    private TimeSpan ReadTimeout => shared.Options.S3?.RequestTimeout ?? new Configuration.S3StoreOptions().RequestTimeout;

    /// <summary>Opens the source of the fetch of <paramref name="hex"/> for <paramref name="repository"/>.</summary>
    /// <param name="hex">The blob's sha256 hex.</param>
    /// <param name="repository">The repository asking (its grants decide whether it may read a shared copy).</param>
    /// <param name="grantedLocally">Whether this replica's own index already grants the repository the digest.</param>
    /// <param name="upstream">Sends the upstream GET.</param>
    /// <param name="confirm">Asks the upstream whether the repository has the digest (a HEAD answering 200).</param>
    /// <param name="waitTimeout">How long to wait for another replica's fetch.</param>
    /// <param name="cancellationToken">Cancelled when the fetch gives up.</param>
    public async Task<SharedFetch> OpenAsync(
        string hex, string repository, bool grantedLocally,
        Func<CancellationToken, Task<HttpResponseMessage>> upstream, Func<CancellationToken, Task<bool>> confirm,
        TimeSpan waitTimeout, CancellationToken cancellationToken)
    {
        for (var round = 0; round < Rounds; round++)
        {
            if (await TryOpenSharedAsync(hex, repository, grantedLocally, confirm, upstream, cancellationToken) is { } stored)
            {
                shared.Log.FillSource(Storage.ContentDigest.Of(hex), "the shared store");
                return stored;
            }

            if (shared.Fleet is not { } fleet || await TryAcquireAsync(fleet, hex, cancellationToken) is not (true, var held))
            {
                break;
            }

            if (held is { } lease)
            {
                shared.Log.FillSource(Storage.ContentDigest.Of(hex), "the upstream, under this replica's lease");
                return await FromUpstreamAsync(upstream, lease, cancellationToken);
            }

            if (shared.Peers is { } peers && await TryFollowAsync(peers, fleet, hex, repository, grantedLocally, confirm, waitTimeout, cancellationToken) is { } streamed)
            {
                shared.Log.FillSource(Storage.ContentDigest.Of(hex), "the lease holder's fetch");
                return streamed;
            }

            if (shared.Store is null)
            {
                // Redis beside the filesystem store: no shared copy will appear to wait for, so a replica that cannot
                // stream from the holder fetches at once rather than after the holder.
                break;
            }

            var wait = await WaitAsync(fleet, hex, waitTimeout, cancellationToken);
            if (wait is not (LeaseWait.Stored or LeaseWait.Released))
            {
                if (wait == LeaseWait.TimedOut)
                {
                    shared.Log.WaitTimedOut(Storage.ContentDigest.Of(hex), waitTimeout.TotalSeconds);
                }

                break;
            }
        }

        shared.Log.FillSource(Storage.ContentDigest.Of(hex), "the upstream, without a lease");
        return await FromUpstreamAsync(upstream, null, cancellationToken);
    }

    // Streams from the holder's fetch as it lands (cache.redis.followers "stream"): the first byte comes as soon as the
    // holder has it, not after its whole fetch and upload. Null when the holder advertises no URL, is this replica,
    // has just finished (then the wait finds the stored copy at once) or cannot be reached (then its lease expires).
    private async Task<SharedFetch?> TryFollowAsync(
        FleetPeers peers, IFleetCoordinator fleet, string hex, string repository, bool grantedLocally,
        Func<CancellationToken, Task<bool>> confirm, TimeSpan headersTimeout, CancellationToken cancellationToken)
    {
        Uri? holder;
        string key;
        try
        {
            holder = await fleet.GetHolderAsync(hex, cancellationToken);
            if (holder is null || holder == shared.Options.Redis?.AdvertiseUrl)
            {
                return null;
            }

            key = await fleet.GetPeerKeyAsync(cancellationToken);
        }
        catch (FleetUnavailableException ex)
        {
            shared.Failed("redis", "follow", ex);
            return null;
        }

        if (!grantedLocally && !await IsGrantedAsync(hex, repository, confirm, cancellationToken))
        {
            return null;
        }

        return await peers.TryOpenAsync(holder, hex, key, headersTimeout, cancellationToken) is { } response
            ? new SharedFetch(response, fromShared: true, lease: null)
            : null;
    }

    private static async Task<SharedFetch> FromUpstreamAsync(Func<CancellationToken, Task<HttpResponseMessage>> upstream, IFetchLease? lease, CancellationToken cancellationToken)
    {
        try
        {
            return new SharedFetch(await upstream(cancellationToken), fromShared: false, lease);
        }
        catch when (lease is not null)
        {
            await SharedCache.ReleaseQuietlyAsync(lease);
            throw;
        }
    }

    private async Task<SharedFetch?> TryOpenSharedAsync(
        string hex, string repository, bool grantedLocally, Func<CancellationToken, Task<bool>> confirm,
        Func<CancellationToken, Task<HttpResponseMessage>> upstream, CancellationToken cancellationToken)
    {
        if (shared.Store is not { } store)
        {
            return null;
        }

        SharedObject? found;
        try
        {
            found = await store.OpenAsync(hex, 0, null, cancellationToken);
        }
        catch (SharedStoreUnavailableException ex)
        {
            shared.Failed("s3", "read", ex);
            return null;
        }

        if (found is null)
        {
            return null;
        }

        if (!grantedLocally && !await IsGrantedAsync(hex, repository, confirm, cancellationToken))
        {
            await found.DisposeAsync();
            return null;
        }

        // A store that fails mid-body degrades to the upstream too: the readers' transfers have started by then.
        var body = new UpstreamFallbackBody(found.Body, found.Length, ReadTimeout, upstream, ex => shared.Failed("s3", "read", new SharedStoreUnavailableException($"The shared store's GetObject body failed: {S3Failures.Describe(ex)}.")));
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
        response.Content.Headers.ContentLength = found.Length;
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new SharedFetch(response, fromShared: true, lease: null);
    }

    /// <summary>Whether <paramref name="repository"/> may read <paramref name="hex"/>: the fleet granted it, or its upstream confirms.</summary>
    public async Task<bool> IsGrantedAsync(string hex, string repository, Func<CancellationToken, Task<bool>> confirm, CancellationToken cancellationToken)
    {
        if (shared.Fleet is { } fleet)
        {
            try
            {
                if (await fleet.IsGrantedAsync(hex, repository, cancellationToken))
                {
                    return true;
                }
            }
            catch (FleetUnavailableException ex)
            {
                shared.Failed("redis", "grant", ex);
            }
        }

        // Only this repository's upstream can say this repository may read the digest another one stored.
        if (!await confirm(cancellationToken))
        {
            return false;
        }

        if (shared.Fleet is { } recording)
        {
            try
            {
                await recording.GrantAsync(hex, repository, cancellationToken);
            }
            catch (FleetUnavailableException ex)
            {
                shared.Failed("redis", "grant", ex);
            }
        }

        return true;
    }

    // (false, null) when Redis failed; (true, null) when another replica holds the lease.
    private async Task<(bool Answered, IFetchLease? Lease)> TryAcquireAsync(IFleetCoordinator fleet, string hex, CancellationToken cancellationToken)
    {
        try
        {
            return (true, await fleet.TryAcquireAsync(hex, cancellationToken));
        }
        catch (FleetUnavailableException ex)
        {
            shared.Failed("redis", "lease", ex);
            return (false, null);
        }
    }

    private async Task<LeaseWait?> WaitAsync(IFleetCoordinator fleet, string hex, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await fleet.WaitAsync(hex, timeout, cancellationToken);
        }
        catch (FleetUnavailableException ex)
        {
            shared.Failed("redis", "wait", ex);
            return null;
        }
    }
}
