namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// Samples the bytes under a cache folder's <c>blobs/</c> and <c>spool/</c> over and over while pulls run, and keeps
/// the largest sample: a cache that overshoots its limit only while fetches are in flight shows here, not after.
/// </summary>
internal sealed class CacheSizeWatcher : IAsyncDisposable
{
    // A sample walks a handful of files in well under a millisecond; 1 ms between samples leaves the CPU to the pulls
    // while a 16 MiB fetch (about 10 ms on loopback here) is still seen several times on its way.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(1);

    private readonly CacheFolder _folder;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _max;
    private long _samples;

    private CacheSizeWatcher(CacheFolder folder)
    {
        _folder = folder;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The largest sample so far, in bytes.</summary>
    public long MaxBytes => Interlocked.Read(ref _max);

    /// <summary>How many samples were taken.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Starts watching <paramref name="folder"/>.</summary>
    public static CacheSizeWatcher Start(CacheFolder folder) => new(folder);

    /// <summary>Stops sampling (after one last sample) and returns the largest sample.</summary>
    public async Task<long> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Sample();
        return MaxBytes;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Sample();
            await Task.Delay(Interval, _stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Sample()
    {
        var bytes = _folder.Bytes();
        Interlocked.Increment(ref _samples);
        long seen;
        do
        {
            seen = Interlocked.Read(ref _max);
        }
        while (bytes > seen && Interlocked.CompareExchange(ref _max, bytes, seen) != seen);
    }
}
