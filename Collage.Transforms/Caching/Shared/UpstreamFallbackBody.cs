using System.Buffers;
using System.Net;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The body of a shared store's object that, when the store fails mid-body (the connection reset or closed, a read
/// error), goes on with the same blob from the upstream: one upstream GET, the bytes already read skipped, the rest
/// read from there. The client's transfer has started by then and cannot be answered again; this way it ends with
/// the blob instead of being aborted, and a retry does not meet the same failing store. The fill hashes every byte
/// either way, so an upstream body that differs still fails the digest. A store that goes silent mid-body for
/// <c>readTimeout</c> (<c>cache.s3.requestTimeout</c>) has failed too: without that bound the fill would wait for the
/// upstream's activity timeout (100 s), then abort its clients, and every retry would meet the same silent store.
/// Read asynchronously only (the fill does).
/// </summary>
internal sealed class UpstreamFallbackBody(
    Stream stored, long length, TimeSpan readTimeout, Func<CancellationToken, Task<HttpResponseMessage>> upstream, Action<Exception> failed) : ReadOnlyBody
{
    private const int SkipBufferBytes = 64 * 1024;
    private Stream _current = stored;
    private HttpResponseMessage? _fallback;
    private long _position;
    private CancellationTokenSource? _silent;
    private CancellationToken _silentLinkedTo;

    /// <inheritdoc/>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_fallback is null)
        {
            try
            {
                var read = await _current.ReadAsync(buffer, Silence(cancellationToken)).ConfigureAwait(false);
                if (read == 0 && _position < length && buffer.Length > 0)
                {
                    throw new IOException("The shared store's body ended before its length.");
                }

                _position += read;
                return read;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The fill's own timeout or shutdown is not the store's failure: that ends the fill as it would any.
                failed(ex);
                await SwitchAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await _current.DisposeAsync().ConfigureAwait(false);
        _fallback?.Dispose();
        _silent?.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current.Dispose();
            _fallback?.Dispose();
            _silent?.Dispose();
        }

        base.Dispose(disposing);
    }

    // One source for the whole body, re-armed before each read: a linked source per read would allocate once per chunk
    // of every blob read from the store. A source that fired between reads (a slow reader) is replaced.
    private CancellationToken Silence(CancellationToken cancellationToken)
    {
        if (_silent is null || _silentLinkedTo != cancellationToken || !_silent.TryReset())
        {
            _silent?.Dispose();
            _silent = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _silentLinkedTo = cancellationToken;
        }

        _silent.CancelAfter(readTimeout);
        return _silent.Token;
    }

    private async Task SwitchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _current.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // The store's connection is broken already; it is dropped either way.
        }

        _current = Null;
        _fallback = await upstream(cancellationToken).ConfigureAwait(false);
        if (_fallback.StatusCode != HttpStatusCode.OK || _fallback.Content.Headers.ContentLength != length)
        {
            throw new IOException($"The upstream answered {(int)_fallback.StatusCode} with {_fallback.Content.Headers.ContentLength?.ToString() ?? "no"} length for a blob of {length} bytes.");
        }

        _current = await _fallback.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var skip = ArrayPool<byte>.Shared.Rent(SkipBufferBytes);
        try
        {
            for (var left = _position; left > 0;)
            {
                var read = await _current.ReadAsync(skip.AsMemory(0, (int)Math.Min(left, skip.Length)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new IOException("The upstream's body ended before the bytes the shared store had sent.");
                }

                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(skip);
        }
    }
}
