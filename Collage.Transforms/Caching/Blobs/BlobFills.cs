using System.Collections.Concurrent;

namespace Collage.Transforms.Caching.Blobs;

/// <summary>
/// The fetches in flight, one per repository and digest (single flight): the first request for a missing blob starts
/// one, every later request until it is committed joins it. A fetch leaves this table after its commit (so a request
/// that no longer finds it finds the stored blob) or at once when it failed (so the next request asks again).
/// </summary>
internal sealed class BlobFills
{
    private readonly ConcurrentDictionary<string, BlobFill> _fills = new(StringComparer.Ordinal);

    /// <summary>How many fetches run now.</summary>
    public int Count => _fills.Count;

    /// <summary>The fetch of <paramref name="hex"/> for <paramref name="repository"/> in flight, or null.</summary>
    public BlobFill? Find(string repository, string hex) => _fills.GetValueOrDefault(Key(repository, hex));

    /// <summary>A fetch of <paramref name="hex"/> in flight for any repository, or null (for another replica's follower).</summary>
    public BlobFill? FindAny(string hex)
    {
        foreach (var fill in _fills.Values)
        {
            if (fill.Hex.Equals(hex, StringComparison.Ordinal))
            {
                return fill;
            }
        }

        return null;
    }

    /// <summary>
    /// Joins the fetch in flight or starts one with <paramref name="run"/>; <paramref name="started"/> says which.
    /// </summary>
    public BlobFill JoinOrStart(string repository, string hex, Func<BlobFill, Task> run, out bool started)
    {
        var key = Key(repository, hex);
        var candidate = new BlobFill(hex, repository);
        var fill = _fills.GetOrAdd(key, candidate);
        started = ReferenceEquals(fill, candidate);
        if (started)
        {
            _ = RunAsync(key, fill, run);
        }

        return fill;
    }

    private async Task RunAsync(string key, BlobFill fill, Func<BlobFill, Task> run)
    {
        // Off the starting request's stack: the fetch belongs to no client.
        await Task.Yield();
        try
        {
            await run(fill);
        }
        finally
        {
            _fills.TryRemove(new KeyValuePair<string, BlobFill>(key, fill));
        }
    }

    private static string Key(string repository, string hex) => string.Concat(repository, "@", hex);
}
