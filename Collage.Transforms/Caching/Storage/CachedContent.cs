namespace Collage.Transforms.Caching.Storage;

/// <summary>
/// One verified piece of content in the store: its size, its manifest media type when it was fetched as a manifest,
/// when it was last read (for least-recently-used eviction) and how many readers hold it (pinned content is never
/// evicted).
/// </summary>
internal sealed class CachedContent(string hex, long size, string? manifestMediaType, long lastAccess)
{
    private long _lastAccess = lastAccess;
    private int _pins;
    private string? _manifestMediaType = manifestMediaType;

    /// <summary>The sha256 hex of the content.</summary>
    public string Hex { get; } = hex;

    /// <summary>Its length in bytes.</summary>
    public long Size { get; } = size;

    /// <summary>The media type it was served with as a manifest, or null when it was only fetched as a blob.</summary>
    public string? ManifestMediaType
    {
        get => Volatile.Read(ref _manifestMediaType);
        set => Volatile.Write(ref _manifestMediaType, value);
    }

    /// <summary>When it was last read, in <see cref="TimeProvider"/> milliseconds since the Unix epoch.</summary>
    public long LastAccess => Volatile.Read(ref _lastAccess);

    /// <summary>Whether eviction has taken it (then it must not be served from this entry).</summary>
    public bool Evicted => Volatile.Read(ref _pins) < 0;

    /// <summary>Records a read at <paramref name="now"/>.</summary>
    public void Touch(long now) => Volatile.Write(ref _lastAccess, now);

    /// <summary>Holds the content for a reader; false once eviction has taken it.</summary>
    public bool TryPin()
    {
        while (true)
        {
            var pins = Volatile.Read(ref _pins);
            if (pins < 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _pins, pins + 1, pins) == pins)
            {
                return true;
            }
        }
    }

    /// <summary>Releases a reader's hold.</summary>
    public void Unpin() => Interlocked.Decrement(ref _pins);

    /// <summary>Claims the content for eviction; false while any reader holds it.</summary>
    public bool TryClaimForEviction() => Interlocked.CompareExchange(ref _pins, -1, 0) == 0;
}
