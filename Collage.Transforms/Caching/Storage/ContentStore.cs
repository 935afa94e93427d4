using Microsoft.Win32.SafeHandles;

namespace Collage.Transforms.Caching.Storage;

/// <summary>
/// The cache's bytes on a local filesystem, content-addressed: <c>blobs/sha256/ab/abcd…</c> holds only content whose
/// digest was checked before it was moved there, and <c>spool/</c> holds fetches in flight. A file reaches
/// <c>blobs/</c> by one atomic rename (POSIX rename(2)), so a crash at any point leaves either nothing or the whole
/// verified file; <see cref="SweepSpool"/> removes what a crash left in the spool.
/// </summary>
internal sealed class ContentStore
{
    private readonly string _blobs;
    private readonly string _spool;

    public ContentStore(string root)
    {
        Root = root;
        _blobs = Path.Combine(root, "blobs", "sha256");
        _spool = Path.Combine(root, "spool");
        Directory.CreateDirectory(_blobs);
        Directory.CreateDirectory(_spool);
    }

    /// <summary>The cache folder.</summary>
    public string Root { get; }

    /// <summary>Where the content of <paramref name="hex"/> lives once committed.</summary>
    public string PathOf(string hex) => Path.Combine(_blobs, hex[..2], hex);

    /// <summary>Opens committed content for reading, or null when it is not there (evicted, never stored).</summary>
    public SafeFileHandle? TryOpen(string hex)
    {
        try
        {
            // FileShare.Delete: eviction may unlink the file under a reader, who keeps reading the same inode.
            return File.OpenHandle(PathOf(hex), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Creates a spool file for content of <paramref name="hex"/>. With a known <paramref name="length"/> the space is
    /// allocated up front (fallocate), so a full disk fails here, before any client was promised the bytes.
    /// </summary>
    public SpoolFile CreateSpool(string hex, long? length)
    {
        var path = Path.Combine(_spool, $"{hex}.{Guid.NewGuid():N}.part");
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.None, length ?? 0);
        return new SpoolFile(path, handle);
    }

    /// <summary>Makes verified spooled content durable and moves it into the store under <paramref name="hex"/>.</summary>
    public void Commit(SpoolFile spool, string hex)
    {
        RandomAccess.FlushToDisk(spool.Handle);
        var target = PathOf(hex);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(spool.Path, target, overwrite: true);
        spool.Committed = true;
    }

    /// <summary>Removes committed content; a reader holding it open keeps reading (unlink semantics).</summary>
    public void Delete(string hex)
    {
        try
        {
            File.Delete(PathOf(hex));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for the next start-up's sweep: without an index entry it is never served.
        }
    }

    /// <summary>Deletes every spool file: fetches a previous process never finished.</summary>
    public int SweepSpool()
    {
        var swept = 0;
        foreach (var file in Directory.EnumerateFiles(_spool))
        {
            File.Delete(file);
            swept++;
        }

        return swept;
    }

    /// <summary>
    /// The names of the committed content on disk. Names only, no stat per file: a file got there by a rename after its
    /// digest was checked and it was flushed, so its name is its truth (100,000 stats cost about half a second here).
    /// </summary>
    public IEnumerable<string> Enumerate()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 };
        return new System.IO.Enumeration.FileSystemEnumerable<string>(
            _blobs,
            static (ref System.IO.Enumeration.FileSystemEntry entry) => entry.FileName.ToString(),
            options)
        {
            ShouldIncludePredicate = static (ref System.IO.Enumeration.FileSystemEntry entry) => !entry.IsDirectory,
        };
    }
}
