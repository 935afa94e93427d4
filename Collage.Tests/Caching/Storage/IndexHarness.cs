using System.Security.Cryptography;
using System.Text;
using Collage.Transforms.Caching;
using Collage.Transforms.Caching.Storage;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Caching.Storage;

/// <summary>
/// A cache folder of its own with a <see cref="ContentStore"/>, its SQLite index database and a
/// <see cref="CacheIndex"/> over them, on a fake clock (last-read order is the test's to set).
/// </summary>
internal sealed class IndexHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private IndexWriter? _writer;

    /// <param name="inMemory">
    /// Whether to put the folder on tmpfs (<c>/dev/shm</c>) where there is one: the 100,000-file test spends most of
    /// its time creating and deleting files, about 25 s of it on this machine's disk.
    /// </param>
    public IndexHarness(bool inMemory = false)
    {
        Folder = inMemory && Directory.Exists("/dev/shm")
            ? Directory.CreateDirectory(Path.Combine("/dev/shm", $"collage-index-{Guid.NewGuid():N}")).FullName
            : Directory.CreateTempSubdirectory("collage-index-").FullName;
        Store = new ContentStore(Folder);
        Metrics = new CacheMetrics(new CollageMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        Log = new CacheLog(NullLogger.Instance);
    }

    public string Folder { get; }

    public ContentStore Store { get; }

    public CacheMetrics Metrics { get; }

    public CacheLog Log { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public string DatabasePath => Path.Combine(Folder, "index.db");

    /// <summary>The sha256 hex of a name, to stand for content without hashing real bytes.</summary>
    public static string Hex(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    /// <summary>Opens an index over the database (loading it) with a limit of <paramref name="maxSize"/>.</summary>
    public CacheIndex Open(long maxSize)
    {
        var database = new IndexDatabase(DatabasePath);
        _writer = new IndexWriter(database, NullLogger.Instance);
        var index = new CacheIndex(Store, _writer, maxSize, Time, Metrics);
        index.Load(database);
        return index;
    }

    /// <summary>Writes what the open index queued and closes its database.</summary>
    public async Task CloseAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }
    }

    /// <summary>Puts <paramref name="size"/> bytes into the store as <paramref name="hex"/> and commits it to <paramref name="index"/>.</summary>
    public void Add(CacheIndex index, string hex, int size)
    {
        index.TryReserve(size).Should().BeTrue();
        Write(hex, size);
        index.Commit(hex, size, null, size);
    }

    /// <summary>A committed file of <paramref name="size"/> bytes under <paramref name="hex"/>, with no index row.</summary>
    public void Write(string hex, int size)
    {
        var spool = Store.CreateSpool(hex, size);
        RandomAccess.Write(spool.Handle, new byte[size], 0);
        Store.Commit(spool, hex);
        spool.Release();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        await _services.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
