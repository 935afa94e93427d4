using System.IO.Pipelines;

namespace Collage.Proxy.Observability;

/// <summary>
/// The server's own response <see cref="PipeWriter"/>, counting what is advanced. Wrapping the writer, not
/// adapting the counting stream, keeps Kestrel's zero-copy path: a blob read straight into the writer's
/// memory is not copied again (bench/RESULTS.md).
/// </summary>
internal sealed class CountingPipeWriter(PipeWriter inner, Action<int> count) : PipeWriter
{
    public override void Advance(int bytes)
    {
        count(bytes);
        inner.Advance(bytes);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes;
}
