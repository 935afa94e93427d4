namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// Samples the bytes under a cache folder's <c>blobs/</c> and <c>spool/</c> over and over while pulls run, and keeps
/// the largest sample: a cache that overshoots its limit only while fetches are in flight shows here, not after.
/// </summary>
internal sealed class CacheSizeWatcher : IAsyncDisposable
{
    // A sample walks a handful of files in well under a millisecond; 1 ms between samples leaves the CPU to the pulls
    // while a 16 MiB fetch (about 100 ms through Collage here) is still seen many times on its way.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(1);

    private readonly CacheFolder _folder;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _loop;
    private long _max;
    private long _samples;

    private CacheSizeWatcher(CacheFolder folder)
    {
        _folder = folder;

        // Its own thread: on two busy cores, a thread-pool loop was starved down to a sample every 20 ms.
        _loop = new Thread(Loop) { IsBackground = true, Name = "cache size watcher" };
        _loop.Start();
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
        _stop.Set();
        await Task.Run(_loop.Join);
        Sample();
        return MaxBytes;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private void Loop()
    {
        do
        {
            Sample();
        }
        while (!_stop.Wait(Interval));
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
