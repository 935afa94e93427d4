using System.Collections.Concurrent;

namespace Collage.Transforms.Caching.Storage;

/// <summary>
/// What the cache holds, in memory, persisted through the <see cref="IndexWriter"/>: the verified content (size,
/// manifest media type, last read), which repository may read which digest, and tag answers. Also keeps the cache
/// under its size limit: space is reserved before a fetch writes (so spool files count), and the least recently read
/// unpinned content is evicted to make room, down to a low-water mark so evictions come in rounds, not per fetch.
/// </summary>
internal sealed class CacheIndex
{
    private const long PersistTouchAfterMs = 60_000;

    private readonly ConcurrentDictionary<string, CachedContent> _content = new(StringComparer.Ordinal);
    // Per digest, the few repositories that may read it (copy-on-write: almost always one to three).
    private readonly ConcurrentDictionary<string, string[]> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TagAnswer> _tags = new(StringComparer.Ordinal);
    private readonly object _space = new();
    private readonly ContentStore _store;
    private readonly IndexWriter _writer;
    private readonly TimeProvider _time;
    private readonly CacheMetrics _metrics;
    private long _used;
    private long _reserved;

    public CacheIndex(ContentStore store, IndexWriter writer, long maxSize, TimeProvider time, CacheMetrics metrics)
    {
        _store = store;
        _writer = writer;
        MaxSize = maxSize;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>The size limit in bytes.</summary>
    public long MaxSize { get; }

    /// <summary>Bytes held: committed content plus space reserved by fetches in flight.</summary>
    public long Size => Interlocked.Read(ref _used) + Interlocked.Read(ref _reserved);

    /// <summary>How many pieces of content are held.</summary>
    public int Count => _content.Count;

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Fills the index from the database, keeping only rows whose file is on disk, and deletes files no row names (a
    /// crash between the rename and the row) and what is left in the spool. The folder is listed while the database
    /// is read, on another thread.
    /// </summary>
    public void Load(IndexDatabase database)
    {
        _store.SweepSpool();
        var listing = Task.Run(() => new HashSet<string>(_store.Enumerate(), StringComparer.Ordinal));
        var rows = database.ReadContent().ToList();
        var grants = database.ReadGrants().ToList();
        var onDisk = listing.GetAwaiter().GetResult();
        var missing = new List<string>();
        foreach (var (hex, size, mediaType, lastAccess) in rows)
        {
            if (onDisk.Remove(hex))
            {
                _content[hex] = new CachedContent(hex, size, mediaType, lastAccess);
                _used += size;
            }
            else
            {
                missing.Add(hex);
            }
        }

        foreach (var hex in onDisk.Where(name => ContentDigest.IsHex(name)))
        {
            _store.Delete(hex);
        }

        database.DeleteContent(missing);
        // One string per repository, not one per row: a repository names thousands of digests.
        var repositories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in grants.GroupBy(g => g.Hex, StringComparer.Ordinal))
        {
            _grants[group.Key] = [.. group.Select(g => repositories.TryAdd(g.Repository, g.Repository) ? g.Repository : repositories[g.Repository])];
        }

        foreach (var (key, answer) in database.ReadTags())
        {
            _tags[key] = answer;
        }
    }

    /// <summary>The content of <paramref name="hex"/> pinned for a reader, or null; the caller unpins it.</summary>
    public CachedContent? TryPin(string hex)
    {
        if (!_content.TryGetValue(hex, out var content) || !content.TryPin())
        {
            return null;
        }

        var now = Now;
        if (now - content.LastAccess > PersistTouchAfterMs)
        {
            _writer.Enqueue(new IndexOperation.PutContent(hex, content.Size, content.ManifestMediaType, now));
        }

        content.Touch(now);
        return content;
    }

    /// <summary>Whether <paramref name="repository"/> may read <paramref name="hex"/>.</summary>
    public bool IsGranted(string hex, string repository) =>
        _grants.TryGetValue(hex, out var repositories) && Array.IndexOf(repositories, repository) >= 0;

    /// <summary>Lets <paramref name="repository"/> read <paramref name="hex"/> (its upstream served or listed it).</summary>
    public void Grant(string hex, string repository)
    {
        if (!IsGranted(hex, repository) && AddGrant(hex, repository))
        {
            _writer.Enqueue(new IndexOperation.Grant(hex, repository));
        }
    }

    private bool AddGrant(string hex, string repository)
    {
        var added = false;
        _grants.AddOrUpdate(
            hex,
            _ =>
            {
                added = true;
                return [repository];
            },
            (_, existing) =>
            {
                added = Array.IndexOf(existing, repository) < 0;
                return added ? [.. existing, repository] : existing;
            });
        return added;
    }

    /// <summary>The tag answer under <paramref name="key"/>, or null.</summary>
    public TagAnswer? GetTag(string key) => _tags.GetValueOrDefault(key);

    /// <summary>Records a tag answer.</summary>
    public void PutTag(string key, TagAnswer answer)
    {
        _tags[key] = answer;
        _writer.Enqueue(new IndexOperation.PutTag(key, answer));
    }

    /// <summary>Forgets a tag the upstream no longer has.</summary>
    public void DeleteTag(string key)
    {
        if (_tags.TryRemove(key, out _))
        {
            _writer.Enqueue(new IndexOperation.DeleteTag(key));
        }
    }

    /// <summary>
    /// Reserves <paramref name="bytes"/> for a fetch, evicting least recently read content as needed. False when the
    /// content cannot fit (larger than the limit, or everything else is being read): it is then neither spooled nor
    /// stored, and its clients are forwarded to the upstream.
    /// </summary>
    public bool TryReserve(long bytes)
    {
        lock (_space)
        {
            if (bytes > MaxSize)
            {
                return false;
            }

            if (_used + _reserved + bytes > MaxSize)
            {
                // Down to 90 %, so the next fetches find room without another round.
                EvictTo(Math.Min(MaxSize - bytes, MaxSize / 10 * 9) - _reserved);
            }

            if (_used + _reserved + bytes > MaxSize)
            {
                return false;
            }

            _reserved += bytes;
            return true;
        }
    }

    /// <summary>Returns a reservation that was not committed (failed fetch, mismatch).</summary>
    public void Release(long bytes)
    {
        lock (_space)
        {
            _reserved -= bytes;
        }
    }

    /// <summary>
    /// Records content just moved into the store, turning its <paramref name="reserved"/> bytes into used ones.
    /// </summary>
    public void Commit(string hex, long size, string? manifestMediaType, long reserved)
    {
        var now = Now;
        lock (_space)
        {
            _reserved -= reserved;
            if (_content.TryGetValue(hex, out var existing) && !existing.Evicted)
            {
                // The same bytes twice (two repositories fetched it at once): the file was replaced by an identical one.
                existing.ManifestMediaType ??= manifestMediaType;
            }
            else
            {
                _content[hex] = new CachedContent(hex, size, manifestMediaType, now);
                _used += size;
            }
        }

        _writer.Enqueue(new IndexOperation.PutContent(hex, size, manifestMediaType, now));
    }

    /// <summary>Records that stored content is also a manifest of <paramref name="mediaType"/>.</summary>
    public void SetManifestMediaType(CachedContent content, string mediaType)
    {
        content.ManifestMediaType = mediaType;
        _writer.Enqueue(new IndexOperation.PutContent(content.Hex, content.Size, mediaType, content.LastAccess));
    }

    private void EvictTo(long target)
    {
        foreach (var content in _content.Values.OrderBy(c => c.LastAccess).ToArray())
        {
            if (_used <= target)
            {
                return;
            }

            if (!content.TryClaimForEviction())
            {
                continue;
            }

            _content.TryRemove(content.Hex, out _);
            _store.Delete(content.Hex);
            _used -= content.Size;
            _grants.TryRemove(content.Hex, out _);

            _writer.Enqueue(new IndexOperation.DeleteContent(content.Hex));
            _metrics.Evicted();
        }
    }
}
