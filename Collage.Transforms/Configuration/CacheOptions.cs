namespace Collage.Transforms.Configuration;

/// <summary>
/// The pull-through cache (<c>Collage:Cache</c>, or <c>cache</c> in a config file). Absent: no cache, every request
/// streams from the upstream as it always did.
/// </summary>
public sealed record CacheOptions
{
    /// <summary>
    /// The folder blobs, manifests and the index live in. Default: <c>$XDG_CACHE_HOME/collage</c>, else
    /// <c>~/.cache/collage</c>.
    /// </summary>
    public string Path { get; init; } = DefaultPath();

    /// <summary>
    /// The most bytes the cache holds on disk, spool files of fetches in flight included; least recently used
    /// content is evicted first. Written with binary units in config (<c>"50GiB"</c>). Default 10 GiB.
    /// </summary>
    public long MaxSize { get; init; } = 10L << 30;

    /// <summary>
    /// How long a tag's answer is served without asking the upstream; after it the tag is revalidated with a
    /// <c>HEAD</c>. Default 5 minutes.
    /// </summary>
    public TimeSpan TagTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long past its <see cref="TagTtl"/> a cached tag (or tag list) is still served while the upstream fails
    /// (unreachable, timeout, 5xx, 429). Default 1 day.
    /// </summary>
    public TimeSpan StaleIfError { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Where verified content is kept: <see cref="CacheStore.Filesystem"/> (under <see cref="Path"/>, the default) or
    /// <see cref="CacheStore.S3"/> (the bucket of <see cref="S3"/>, shared by every replica; <see cref="Path"/> then holds
    /// the spool and this replica's copies of what it served recently, up to <see cref="LocalMaxSize"/>).
    /// </summary>
    public CacheStore Store { get; init; } = CacheStore.Filesystem;

    /// <summary>The bucket of <see cref="CacheStore.S3"/>; required with it. Default null.</summary>
    public S3StoreOptions? S3 { get; init; }

    /// <summary>
    /// With <see cref="CacheStore.S3"/>, the most bytes this replica keeps on its own disk (spool files and copies of
    /// recently served content), while <see cref="MaxSize"/> bounds the bucket's prefix. Default 10 GiB.
    /// </summary>
    public long LocalMaxSize { get; init; } = 10L << 30;

    /// <summary>The Redis the replicas coordinate through; null for none (each replica on its own). Default null.</summary>
    public RedisOptions? Redis { get; init; }

    /// <summary>The per-user cache folder: <c>$XDG_CACHE_HOME/collage</c>, else <c>~/.cache/collage</c>.</summary>
    public static string DefaultPath() =>
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? System.IO.Path.Combine(xdg, "collage")
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "collage");
}
