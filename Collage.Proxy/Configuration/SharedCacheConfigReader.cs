using Collage.Transforms.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// Reads the scale-out part of the <c>cache</c> section: <c>store</c>, <c>s3</c>, <c>localMaxSize</c> and
/// <c>redis</c> (<see cref="CacheOptions.Store"/>, <see cref="S3StoreOptions"/>, <see cref="RedisOptions"/>). Every
/// secret is named by a file, checked readable here so a wrong path stops start-up with the key that names it.
/// </summary>
internal static class SharedCacheConfigReader
{
    /// <summary>The keys of the <c>cache</c> section this reader owns.</summary>
    public static readonly string[] Keys =
    [
        nameof(CacheOptions.Store), nameof(CacheOptions.S3), nameof(CacheOptions.LocalMaxSize), nameof(CacheOptions.Redis),
    ];

    private static readonly string[] S3Keys =
    [
        nameof(S3StoreOptions.Bucket), nameof(S3StoreOptions.Prefix), nameof(S3StoreOptions.Endpoint), nameof(S3StoreOptions.Region),
        nameof(S3StoreOptions.PathStyle), nameof(S3StoreOptions.AccessKeyId), nameof(S3StoreOptions.SecretAccessKeyFile),
        nameof(S3StoreOptions.DisablePayloadSigning), nameof(S3StoreOptions.ChecksumsWhenRequired), nameof(S3StoreOptions.RedirectHits),
        nameof(S3StoreOptions.PresignedUrlLifetime), nameof(S3StoreOptions.MultipartThreshold), nameof(S3StoreOptions.PartSize),
        nameof(S3StoreOptions.RequestTimeout),
    ];

    private static readonly string[] RedisKeys =
    [
        nameof(RedisOptions.Configuration), nameof(RedisOptions.ConfigurationFile), nameof(RedisOptions.KeyPrefix),
        nameof(RedisOptions.LeaseTime), nameof(RedisOptions.OperationTimeout), nameof(RedisOptions.Followers),
        nameof(RedisOptions.AdvertiseUrl),
    ];

    /// <summary>Reads the scale-out keys of <paramref name="cache"/> onto <paramref name="options"/>.</summary>
    public static CacheOptions Read(IConfigurationSection cache, CacheOptions options)
    {
        var section = new ConfigSection(cache);
        var store = ReadStore(section);
        var s3 = cache.GetSection(nameof(CacheOptions.S3));
        var hasS3 = Present(cache, nameof(CacheOptions.S3));
        if (store == CacheStore.S3 && !hasS3)
        {
            throw new CollageConfigException(section.KeyPath(nameof(CacheOptions.S3)), "cache.store is \"s3\" but there is no cache.s3 section. Add one with at least a \"bucket\".");
        }

        if (store != CacheStore.S3 && hasS3)
        {
            throw new CollageConfigException(section.KeyPath(nameof(CacheOptions.Store)), "there is a cache.s3 section but cache.store is not \"s3\", so it would do nothing. Write \"store\": \"s3\" or remove the s3 section.");
        }

        var redis = cache.GetSection(nameof(CacheOptions.Redis));
        return options with
        {
            Store = store,
            S3 = hasS3 ? ReadS3(s3) : null,
            LocalMaxSize = section.Size(nameof(CacheOptions.LocalMaxSize), options.LocalMaxSize, CacheConfigReader.MinMaxSize),
            Redis = Present(cache, nameof(CacheOptions.Redis)) ? ReadRedis(redis) : null,
        };
    }

    // Present even when it is an empty object: the JSON provider keeps {} as a key with a null value and no children,
    // which IConfigurationSection.Exists() reports as absent, and "redis": {} would then be accepted and do nothing.
    private static bool Present(IConfigurationSection parent, string key) =>
        parent.GetChildren().Any(c => string.Equals(c.Key, key, StringComparison.OrdinalIgnoreCase));

    private static CacheStore ReadStore(ConfigSection section) => section[nameof(CacheOptions.Store)] switch
    {
        null => CacheStore.Filesystem,
        var v when v.Equals("filesystem", StringComparison.OrdinalIgnoreCase) => CacheStore.Filesystem,
        var v when v.Equals("s3", StringComparison.OrdinalIgnoreCase) => CacheStore.S3,
        var v => throw new CollageConfigException(section.KeyPath(nameof(CacheOptions.Store)), $"'{v}' is not a store. Write \"filesystem\" (the default: cache.path) or \"s3\" (the bucket of cache.s3, shared by replicas)."),
    };

    private static S3StoreOptions ReadS3(IConfigurationSection s3)
    {
        if (s3.Value is not null)
        {
            throw new CollageConfigException(s3.Path, "expected an object with at least \"bucket\", found a value.");
        }

        var section = new ConfigSection(s3).RefuseUnknownKeys(S3Keys);
        var defaults = new S3StoreOptions();
        if (section[nameof(S3StoreOptions.Bucket)] is not { Length: > 0 } bucket)
        {
            throw new CollageConfigException(section.KeyPath(nameof(S3StoreOptions.Bucket)), "the S3 store needs a bucket. Write the bucket's name, e.g. \"collage\".");
        }

        var accessKey = section[nameof(S3StoreOptions.AccessKeyId)] is { Length: > 0 } key ? key : null;
        var secretFile = ReadFile(section, nameof(S3StoreOptions.SecretAccessKeyFile));
        if ((accessKey is null) != (secretFile is null))
        {
            throw new CollageConfigException(section.KeyPath(accessKey is null ? nameof(S3StoreOptions.AccessKeyId) : nameof(S3StoreOptions.SecretAccessKeyFile)), "accessKeyId and secretAccessKeyFile go together. Set both, or neither to use the standard credential chain (environment, profile, web identity).");
        }

        var partSize = section.Size(nameof(S3StoreOptions.PartSize), defaults.PartSize, 5L << 20);
        return new S3StoreOptions
        {
            Bucket = bucket,
            Prefix = ReadPrefix(section),
            Endpoint = ReadEndpoint(section),
            Region = section[nameof(S3StoreOptions.Region)] is { Length: > 0 } region ? region : defaults.Region,
            PathStyle = section.Switch(nameof(S3StoreOptions.PathStyle)),
            AccessKeyId = accessKey,
            SecretAccessKeyFile = secretFile,
            DisablePayloadSigning = section.Switch(nameof(S3StoreOptions.DisablePayloadSigning)),
            ChecksumsWhenRequired = section.Switch(nameof(S3StoreOptions.ChecksumsWhenRequired)),
            RedirectHits = section.Switch(nameof(S3StoreOptions.RedirectHits)),
            PresignedUrlLifetime = section.Duration(nameof(S3StoreOptions.PresignedUrlLifetime), defaults.PresignedUrlLifetime),
            MultipartThreshold = section.Size(nameof(S3StoreOptions.MultipartThreshold), defaults.MultipartThreshold, partSize),
            PartSize = partSize,
            RequestTimeout = section.Duration(nameof(S3StoreOptions.RequestTimeout), defaults.RequestTimeout),
        };
    }

    private static RedisOptions ReadRedis(IConfigurationSection redis)
    {
        if (redis.Value is not null)
        {
            throw new CollageConfigException(redis.Path, "expected an object with \"configuration\" (e.g. \"redis:6379\") or \"configurationFile\", found a value.");
        }

        var section = new ConfigSection(redis).RefuseUnknownKeys(RedisKeys);
        var defaults = new RedisOptions();
        var configuration = section[nameof(RedisOptions.Configuration)] is { Length: > 0 } c ? c : null;
        var file = ReadFile(section, nameof(RedisOptions.ConfigurationFile));
        if ((configuration is null) == (file is null))
        {
            throw new CollageConfigException(section.KeyPath(nameof(RedisOptions.Configuration)), "set exactly one of configuration (e.g. \"redis.corp.lan:6379\") and configurationFile (a file holding it, for one with a password).");
        }

        var lease = section.Duration(nameof(RedisOptions.LeaseTime), defaults.LeaseTime);
        if (lease < TimeSpan.FromSeconds(1))
        {
            throw new CollageConfigException(section.KeyPath(nameof(RedisOptions.LeaseTime)), "a fetch lease shorter than 1 s would expire between its renewals. Write at least \"00:00:01\"; the default is 15 s.");
        }

        return new RedisOptions
        {
            Configuration = configuration,
            ConfigurationFile = file,
            KeyPrefix = section[nameof(RedisOptions.KeyPrefix)] is { Length: > 0 } prefix ? prefix : defaults.KeyPrefix,
            LeaseTime = lease,
            OperationTimeout = section.Duration(nameof(RedisOptions.OperationTimeout), defaults.OperationTimeout),
            Followers = ReadFollowers(section),
            AdvertiseUrl = ReadUrl(section, nameof(RedisOptions.AdvertiseUrl), "e.g. \"http://10.1.2.3:8080\" (in Kubernetes \"http://$(POD_IP):8080\")"),
        };
    }

    private static FleetFollowers ReadFollowers(ConfigSection section) => section[nameof(RedisOptions.Followers)] switch
    {
        null => FleetFollowers.Stream,
        var v when v.Equals("stream", StringComparison.OrdinalIgnoreCase) => FleetFollowers.Stream,
        var v when v.Equals("wait", StringComparison.OrdinalIgnoreCase) => FleetFollowers.Wait,
        var v => throw new CollageConfigException(section.KeyPath(nameof(RedisOptions.Followers)), $"'{v}' is not a way to follow another replica's fetch. Write \"stream\" (from the holder, the default) or \"wait\" (for the shared store's copy)."),
    };

    private static string ReadPrefix(ConfigSection section)
    {
        var prefix = section[nameof(S3StoreOptions.Prefix)] ?? "";
        if (prefix.StartsWith('/') || prefix.Contains("..", StringComparison.Ordinal) || prefix.Contains('\\', StringComparison.Ordinal))
        {
            throw new CollageConfigException(section.KeyPath(nameof(S3StoreOptions.Prefix)), $"'{prefix}' is not a key prefix. Write one like \"cache/\" (no leading slash, no '..').");
        }

        return prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    private static Uri? ReadEndpoint(ConfigSection section) =>
        ReadUrl(section, nameof(S3StoreOptions.Endpoint), "e.g. \"https://s3.corp.lan\"; credentials go in accessKeyId and secretAccessKeyFile, or the standard chain");

    private static Uri? ReadUrl(ConfigSection section, string key, string example)
    {
        if (section[key] is not { Length: > 0 } value)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0)
        {
            throw new CollageConfigException(section.KeyPath(key), $"'{key}' must be an absolute http(s) URL without credentials, {example}.");
        }

        return uri;
    }

    private static string? ReadFile(ConfigSection section, string key)
    {
        if (section[key] is not { Length: > 0 } path)
        {
            return null;
        }

        var full = Path.GetFullPath(path, Environment.CurrentDirectory);
        try
        {
            using var stream = File.OpenRead(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CollageConfigException(section.KeyPath(key), $"the file '{full}' cannot be read ({ex.GetType().Name}). Point {key} at a file Collage may read (a mounted Secret).");
        }

        return full;
    }
}
