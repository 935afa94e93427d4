using System.IO.Enumeration;
using System.Security.Cryptography;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// A pull-through cache folder as Collage lays it out (<c>blobs/sha256/ab/abcd…</c> for verified content,
/// <c>spool/*.part</c> for fetches in flight, <c>index.db</c>), seen from outside: what is on disk, how many bytes, and
/// whether every stored file holds the content its name promises.
/// </summary>
internal sealed class CacheFolder : IDisposable
{
    private readonly TempDirectory _directory;

    private CacheFolder(TempDirectory directory) => _directory = directory;

    /// <summary>The folder, for the config's <c>cache.path</c>.</summary>
    public string Path => _directory.Path;

    /// <summary>Where verified content lives.</summary>
    public string BlobsPath => _directory.Combine("blobs");

    /// <summary>Where fetches in flight write.</summary>
    public string SpoolPath => _directory.Combine("spool");

    /// <summary>A fresh, empty folder: a cold cache.</summary>
    public static CacheFolder CreateCold(string name) => new(TempDirectory.Create(name));

    /// <summary>The path a blob has once stored.</summary>
    public string StoredPathOf(string digest)
    {
        var hex = Sha256Digest.Hex(digest);
        return System.IO.Path.Combine(BlobsPath, "sha256", hex[..2], hex);
    }

    /// <summary>The files in <c>spool/</c> now.</summary>
    public IReadOnlyList<string> SpoolFiles() => Files(SpoolPath).Select(f => f.FullName).ToList();

    /// <summary>The files under <c>blobs/</c> now.</summary>
    public IReadOnlyList<string> StoredFiles() => Files(BlobsPath).Select(f => f.FullName).ToList();

    /// <summary>
    /// The sum of the sizes of every file under <c>blobs/</c> and <c>spool/</c>. Blobs are read first: a commit moves a
    /// file from <c>spool/</c> to <c>blobs/</c>, so in this order one moving file is never counted twice.
    /// </summary>
    public long Bytes() => Sizes(BlobsPath).Sum() + Sizes(SpoolPath).Sum();

    /// <summary>The stored files whose sha256 is not their name (none in a sound cache).</summary>
    public async Task<IReadOnlyList<string>> CorruptStoredFilesAsync()
    {
        var corrupt = new List<string>();
        foreach (var file in Files(BlobsPath))
        {
            await using var stream = file.OpenRead();
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream));
            if (actual != file.Name)
            {
                corrupt.Add(file.FullName);
            }
        }

        return corrupt;
    }

    /// <summary>Deletes the folder.</summary>
    public void Dispose() => _directory.Dispose();

    private static IEnumerable<FileInfo> Files(string folder)
    {
        var directory = new DirectoryInfo(folder);
        if (!directory.Exists)
        {
            return [];
        }

        try
        {
            // Materialised here: a file that vanishes mid-walk (evicted, committed) must not end the walk.
            return directory.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return [];
        }
    }

    // Each size is read (stat) as the walk reaches the file, so a sample is as close to one moment as a walk can be.
    private static List<long> Sizes(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var sizes = new FileSystemEnumerable<long>(folder, static (ref FileSystemEntry entry) => entry.Length, new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) => !entry.IsDirectory,
        };
        try
        {
            return [.. sizes];
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // A file went between listing and stat (evicted, committed): it no longer takes space.
            return [.. sizes];
        }
    }
}
