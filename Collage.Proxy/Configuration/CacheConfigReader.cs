using Collage.Transforms.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// Reads the pull-through cache's settings: the <c>cache</c> section into <see cref="CacheOptions"/> and an upstream's
/// <c>cache</c> into <see cref="UpstreamCacheOptions"/>, and says which of their changes need a restart.
/// </summary>
internal static class CacheConfigReader
{
    /// <summary>The section's key under <c>Collage</c>.</summary>
    public const string SectionKey = "Cache";

    /// <summary>
    /// The smallest <c>maxSize</c>: below it a single manifest list and a few layers of a base image would not fit, and
    /// the cache would evict what it just stored.
    /// </summary>
    public const long MinMaxSize = 1L << 20;

    private static readonly string[] Keys =
    [
        nameof(CacheOptions.Path), nameof(CacheOptions.MaxSize), nameof(CacheOptions.TagTtl), nameof(CacheOptions.StaleIfError),
        .. SharedCacheConfigReader.Keys,
    ];

    private static readonly string[] UpstreamKeys =
    [
        nameof(UpstreamCacheOptions.Enabled), nameof(UpstreamCacheOptions.TagTtl), nameof(UpstreamCacheOptions.StaleIfError),
    ];

    /// <summary>
    /// Reads <c>Collage:Cache</c>: null when the section is absent (no cache), every default when it is present but
    /// empty (<c>"cache": {}</c>).
    /// </summary>
    /// <param name="collage">The <c>Collage</c> section.</param>
    public static CacheOptions? Read(IConfigurationSection collage)
    {
        if (Find(collage, SectionKey) is not { } cache)
        {
            return null;
        }

        var section = ExpectObject(cache, Keys, "Leave the section out for no cache.");
        var defaults = new CacheOptions();
        return SharedCacheConfigReader.Read(cache, new CacheOptions
        {
            Path = ReadPath(section) ?? defaults.Path,
            MaxSize = section.Size(nameof(CacheOptions.MaxSize), defaults.MaxSize, MinMaxSize),
            TagTtl = section.Duration(nameof(CacheOptions.TagTtl), defaults.TagTtl, allowZero: true),
            StaleIfError = section.Duration(nameof(CacheOptions.StaleIfError), defaults.StaleIfError, allowZero: true),
        });
    }

    /// <summary>
    /// Reads <c>upstreams:HOST:cache</c>, or null when the upstream has none. The cache's own section must exist:
    /// without it the setting would be accepted and then do nothing.
    /// </summary>
    /// <param name="upstream">The upstream's section.</param>
    /// <param name="cache">The cache section read by <see cref="Read"/>.</param>
    public static UpstreamCacheOptions? ReadUpstream(IConfigurationSection upstream, CacheOptions? cache)
    {
        if (Find(upstream, SectionKey) is not { } found)
        {
            return null;
        }

        if (cache is null)
        {
            throw new CollageConfigException(found.Path, "there is no 'cache' section, so no upstream is cached and this setting would do nothing. Add a \"cache\": {} section to enable the cache, or remove this one.");
        }

        var section = ExpectObject(found, UpstreamKeys, "Write { \"enabled\": false } to leave this upstream uncached.");
        return new UpstreamCacheOptions
        {
            Enabled = section.Switch(nameof(UpstreamCacheOptions.Enabled), fallback: true),
            TagTtl = OptionalDuration(section, nameof(UpstreamCacheOptions.TagTtl)),
            StaleIfError = OptionalDuration(section, nameof(UpstreamCacheOptions.StaleIfError)),
        };
    }

    /// <summary>
    /// Throws when going from <paramref name="running"/> to <paramref name="next"/> changes what only applies at
    /// start-up: whether there is a cache at all, its <c>path</c> and its <c>maxSize</c> (the store, its index and its
    /// eviction are built once, over one folder). <c>tagTtl</c> and <c>staleIfError</c> apply on reload.
    /// </summary>
    public static void RefuseStartupOnlyChange(CacheOptions? running, CacheOptions? next)
    {
        const string Restart = "Restart Collage to apply this change; none of it was applied.";
        var key = $"{CollageConfigReader.SectionName}:{SectionKey}";
        if ((running is null) != (next is null))
        {
            var change = running is null ? "adding a 'cache' section" : "removing the 'cache' section";
            throw new CollageConfigException(key, $"the cache is set up at start-up only, so {change} needs a restart. {Restart}");
        }

        if (running is not null && next is not null && FirstStartupOnlyChange(running, next) is { } changed)
        {
            throw new CollageConfigException($"{key}:{changed}", $"cache path, maxSize, store, s3, localMaxSize and redis apply at start-up only. {Restart}");
        }
    }

    private static string? FirstStartupOnlyChange(CacheOptions running, CacheOptions next) =>
        running.Path != next.Path ? nameof(CacheOptions.Path)
        : running.MaxSize != next.MaxSize ? nameof(CacheOptions.MaxSize)
        : running.Store != next.Store ? nameof(CacheOptions.Store)
        : running.S3 != next.S3 ? nameof(CacheOptions.S3)
        : running.LocalMaxSize != next.LocalMaxSize ? nameof(CacheOptions.LocalMaxSize)
        : running.Redis != next.Redis ? nameof(CacheOptions.Redis)
        : null;

    // A relative path is taken from the working directory, as --config-file is, and made absolute now so that
    // nothing later depends on where the process happens to be.
    private static string? ReadPath(ConfigSection section)
    {
        if (section[nameof(CacheOptions.Path)] is not { } path)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CollageConfigException(section.KeyPath(nameof(CacheOptions.Path)), "the cache folder is empty. Write a folder, e.g. \"/var/cache/collage\", or leave the key out for the per-user cache folder.");
        }

        return System.IO.Path.GetFullPath(path, Environment.CurrentDirectory);
    }

    private static TimeSpan? OptionalDuration(ConfigSection section, string key) =>
        section[key] is null ? null : section.Duration(key, TimeSpan.Zero, allowZero: true);

    // The child named `key`, present even when it is an empty object: the JSON provider keeps {} as a key with a null
    // value and no children, which IConfigurationSection.Exists() reports as absent.
    private static IConfigurationSection? Find(IConfigurationSection parent, string key) =>
        parent.GetChildren().FirstOrDefault(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));

    private static ConfigSection ExpectObject(IConfigurationSection section, string[] keys, string hint)
    {
        if (section.Value is not null)
        {
            throw new CollageConfigException(section.Path, $"expected an object with {string.Join(", ", keys)} ({{}} for every default), found the value '{section.Value}'. {hint}");
        }

        return new ConfigSection(section).RefuseUnknownKeys(keys);
    }
}
