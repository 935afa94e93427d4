namespace Collage.Transforms.Caching.Blobs;

/// <summary>What a fetch learned from the upstream's headers, which every client of the fetch answers with.</summary>
internal abstract record FillHead
{
    /// <summary>The upstream is sending the blob: stream it from the spool.</summary>
    /// <param name="Length">Its length, when the upstream sent one.</param>
    /// <param name="ContentType">Its <c>Content-Type</c>.</param>
    public sealed record Streaming(long? Length, string ContentType) : FillHead;

    /// <summary>The upstream answered with an error status; each client gets it mapped, as a forwarded one would be.</summary>
    /// <param name="Status">The upstream's status.</param>
    /// <param name="Body">The start of its error body (to learn its code).</param>
    /// <param name="RetryAfter">Its <c>Retry-After</c>, passed on.</param>
    public sealed record Failed(int Status, byte[] Body, string? RetryAfter) : FillHead;

    /// <summary>No answer: connection refused, reset, or silent past the activity timeout.</summary>
    /// <param name="TimedOut">Whether it was the timeout (504) rather than a failure to connect (502).</param>
    public sealed record Unreachable(bool TimedOut) : FillHead;

    /// <summary>The cache could not spool (disk full, unwritable): every client streams from the upstream as without a cache.</summary>
    public sealed record Bypass : FillHead;
}
