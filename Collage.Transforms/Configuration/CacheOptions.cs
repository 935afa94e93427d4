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

    /// <summary>The per-user cache folder: <c>$XDG_CACHE_HOME/collage</c>, else <c>~/.cache/collage</c>.</summary>
    public static string DefaultPath() =>
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? System.IO.Path.Combine(xdg, "collage")
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "collage");
}
