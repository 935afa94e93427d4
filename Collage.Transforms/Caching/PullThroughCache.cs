using System.Diagnostics;
using Collage.Transforms.Caching.Blobs;
using Collage.Transforms.Caching.Shared;
using Collage.Transforms.Caching.Storage;
using Collage.Transforms.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Caching;

/// <summary>
/// The open pull-through cache of this process: its store, index and fetches in flight, shared by the blob, manifest
/// and tag-list answers. Opened once at start-up from the <c>cache</c> section (a change to its path or size needs a
/// restart); without one it is <see cref="IsEnabled"/> false and every request streams as before.
/// </summary>
internal sealed class PullThroughCache : IAsyncDisposable
{
    private readonly IndexWriter? _writer;
    private readonly CancellationTokenSource _stopping = new();

    private PullThroughCache(ContentStore? store, CacheIndex? index, IndexWriter? writer, CacheMetrics metrics, CacheLog log, CacheUpstream upstream, TimeProvider time, SharedCache? shared = null)
    {
        Shared = shared is { IsEnabled: true } ? shared : null;
        if (Shared is not null)
        {
            SharedSource = new SharedBlobSource(Shared);
            SharedUploads = new SharedUploads(Shared, new SharedEviction(Shared));
            SharedTags = Shared.Fleet is { } fleet ? new SharedTags(Shared, fleet) : null;
            SharedReads = Shared.Fleet is { } reads && Shared.Store is not null ? new SharedReads(Shared, reads) : null;
            SharedAnswers = new SharedBlobAnswers(Shared, SharedSource, SharedReads);
        }

        Store = store!;
        Index = index!;
        _writer = writer;
        Metrics = metrics;
        Log = log;
        Upstream = upstream;
        Time = time;
        IsEnabled = store is not null;
    }

    /// <summary>Whether a cache is open.</summary>
    public bool IsEnabled { get; }

    public ContentStore Store { get; }

    public CacheIndex Index { get; }

    public BlobFills Fills { get; } = new();

    public CacheMetrics Metrics { get; }

    public CacheLog Log { get; }

    public CacheUpstream Upstream { get; }

    public TimeProvider Time { get; }

    /// <summary>What this replica shares with the others (an S3 store, Redis), or null when it caches alone.</summary>
    public SharedCache? Shared { get; }

    /// <summary>Where a fetch's bytes come from with <see cref="Shared"/>; null without it.</summary>
    public SharedBlobSource? SharedSource { get; }

    /// <summary>Reads that reach the fleet's eviction list without a fill; null without a bucket and Redis.</summary>
    public SharedReads? SharedReads { get; }

    /// <summary>Tag answers shared through Redis; null without it.</summary>
    public SharedTags? SharedTags { get; }

    /// <summary>HEAD, Range and redirected answers from the shared store; null without one.</summary>
    public SharedBlobAnswers? SharedAnswers { get; }

    /// <summary>What follows a verified fetch with <see cref="Shared"/>; null without it.</summary>
    public SharedUploads? SharedUploads { get; }

    /// <summary>Cancelled when the cache closes: fetches in flight stop.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Opens the cache at <paramref name="options"/>' path, or a disabled one without options. A folder that cannot be
    /// created or written stops start-up with a <see cref="CollageConfigException"/> naming <c>cache:path</c>.
    /// </summary>
    public static PullThroughCache Open(CacheOptions? options, CacheUpstream upstream, CacheMetrics metrics, TimeProvider time, ILogger logger, SharedCache? shared = null)
    {
        var log = new CacheLog(logger);
        if (options is null)
        {
            return new PullThroughCache(null, null, null, metrics, log, upstream, time);
        }

        var started = Stopwatch.GetTimestamp();
        ContentStore store;
        IndexDatabase database;
        try
        {
            store = new ContentStore(options.Path);
            database = OpenDatabase(store.Root);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new CollageConfigException("cache:path", $"the cache folder '{options.Path}' cannot be used ({ex.Message}). Point cache.path at a folder Collage may create and write.");
        }

        var writer = new IndexWriter(database, logger);
        // With the S3 store, maxSize bounds the bucket and this replica's own disk holds up to localMaxSize.
        var localMax = options.Store == CacheStore.S3 ? options.LocalMaxSize : options.MaxSize;
        var index = new CacheIndex(store, writer, localMax, time, metrics);
        index.Load(database);
        metrics.Observe(() => index.Size, localMax);
        log.Opened(store.Root, index.Count, index.Size, localMax, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return new PullThroughCache(store, index, writer, metrics, log, upstream, time, shared);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        _stopping.Dispose();
    }

    // A database a crash (or a disk fault) left unreadable is started afresh: it only names content, so the store's
    // files are swept as orphans and fetched again on demand, never served unindexed.
    private static IndexDatabase OpenDatabase(string root)
    {
        var path = Path.Combine(root, "index.db");
        try
        {
            return new IndexDatabase(path);
        }
        catch (SqliteException)
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }

            return new IndexDatabase(path);
        }
    }
}
