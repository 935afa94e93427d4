namespace Collage.Tests.Caching.Shared;

/// <summary>
/// A body that gives the first <paramref name="upTo"/> bytes of <paramref name="content"/>, then fails as a cut
/// connection does (an <see cref="IOException"/>), or ends as if the body were done (<paramref name="endEarly"/>),
/// or goes silent until the read is cancelled (<paramref name="silent"/>).
/// </summary>
internal sealed class BrokenBodyStream(byte[] content, int upTo, bool endEarly = false, bool silent = false) : MemoryStream(content, 0, upTo, writable: false)
{
    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await base.ReadAsync(buffer, cancellationToken);
        if (read == 0 && silent)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return read > 0 || endEarly ? read : throw new IOException("The response ended prematurely.");
    }
}
