namespace Collage.Transforms.Caching.Shared;

/// <summary>An object of the shared store opened for reading (<see cref="ISharedContentStore.OpenAsync"/>).</summary>
/// <param name="Body">The bytes asked for; the caller disposes it (which releases the connection).</param>
/// <param name="Length">How many bytes <paramref name="Body"/> holds.</param>
/// <param name="TotalLength">The length of the whole object.</param>
internal sealed record SharedObject(Stream Body, long Length, long TotalLength) : IAsyncDisposable
{
    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Body.DisposeAsync();
}
