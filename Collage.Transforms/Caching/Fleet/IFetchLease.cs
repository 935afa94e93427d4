namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// A replica's lease on fetching one blob for the fleet (<see cref="IFleetCoordinator.TryAcquireAsync"/>). Disposing
/// releases it (only if it is still this replica's); a holder that dies releases it by expiry.
/// </summary>
internal interface IFetchLease : IAsyncDisposable
{
    /// <summary>The digest hex the lease is for.</summary>
    string Hex { get; }

    /// <summary>Cancelled when the lease could not be renewed and another replica may now take it.</summary>
    CancellationToken Lost { get; }
}
