using Collage.Transforms.Caching.Fleet;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Where one blob fetch's bytes come from (<see cref="SharedBlobSource"/>): the shared store (another replica fetched
/// it) or the upstream, then with this replica's fetch lease when the fleet coordinates. Disposing releases the lease;
/// <see cref="SharedUploads"/> takes it over when the verified blob is to be uploaded, and releases it after.
/// </summary>
internal sealed class SharedFetch : IAsyncDisposable
{
    private IFetchLease? _lease;

    public SharedFetch(HttpResponseMessage response, bool fromShared, IFetchLease? lease)
    {
        Response = response;
        FromShared = fromShared;
        _lease = lease;
    }

    /// <summary>The answer whose body the fill reads: the upstream's, or the shared store's object as a 200.</summary>
    public HttpResponseMessage Response { get; }

    /// <summary>Whether the bytes come from the shared store (not uploaded again, counted as shared bytes).</summary>
    public bool FromShared { get; }

    /// <summary>Hands the lease to whoever finishes the work (the upload), or null when there is none.</summary>
    public IFetchLease? TakeLease() => Interlocked.Exchange(ref _lease, null);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Response.Dispose();
        if (TakeLease() is { } lease)
        {
            await SharedCache.ReleaseQuietlyAsync(lease);
        }
    }
}
