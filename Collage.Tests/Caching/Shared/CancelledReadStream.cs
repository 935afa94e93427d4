namespace Collage.Tests.Caching.Shared;

/// <summary>
/// A body whose read fails as a socket read does when the caller's token cancels it mid-read: an
/// <see cref="IOException"/>, not an <see cref="OperationCanceledException"/>.
/// </summary>
internal sealed class CancelledReadStream : MemoryStream
{
    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromException<int>(new IOException("The operation was aborted."));
}
