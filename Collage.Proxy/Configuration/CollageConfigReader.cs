using System.Globalization;
using Collage.Transforms.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// Reads the <c>Collage</c> configuration section into <see cref="CollageOptions"/>, refusing unknown keys
/// so that a typo such as <c>mapings</c> stops start-up instead of giving an empty gateway.
/// </summary>
/// <remarks>
/// .NET configuration splits keys on <c>:</c>, so a vhost or upstream keyed <c>127.0.0.1:5102</c> arrives as
/// two levels, <c>127.0.0.1</c> then <c>5102</c>. A level whose key is a port number and which holds an
/// entry is joined back to its parent; every other unexpected key is an error.
/// </remarks>
internal static class CollageConfigReader
{
    public const string SectionName = "Collage";

    private static readonly string[] TopLevelKeys =
    [
        "Mappings", "Vhosts", "Upstreams", nameof(CollageOptions.Http), "Health",
        nameof(CollageOptions.PublicUrl), nameof(CollageOptions.TrustedProxies), nameof(CollageOptions.DockerConfig),
        CacheConfigReader.SectionKey, AccessConfigReader.SectionKey, Ui.UiConfigReader.SectionKey,
    ];
    private static readonly string[] VhostKeys = ["Mappings"];
    private static readonly string[] UpstreamKeys =
    [
        nameof(UpstreamOptions.CaFile), nameof(UpstreamOptions.InsecureSkipVerify), nameof(UpstreamOptions.Auth),
        nameof(UpstreamOptions.Username), nameof(UpstreamOptions.Password), nameof(UpstreamOptions.PasswordFile),
        nameof(UpstreamOptions.IdentityToken), nameof(UpstreamOptions.Cache),
    ];
    private static readonly string[] HttpKeys =
    [
        nameof(UpstreamHttpOptions.ConnectTimeout), nameof(UpstreamHttpOptions.ActivityTimeout),
        nameof(UpstreamHttpOptions.PooledConnectionIdleTimeout), nameof(UpstreamHttpOptions.PooledConnectionLifetime),
        nameof(UpstreamHttpOptions.RateLimitBackoff), nameof(UpstreamHttpOptions.ResponseHeaderTimeout),
        nameof(UpstreamHttpOptions.BreakDuration),
    ];

    /// <summary>Reads the <c>Collage</c> section, <c>Collage:Http</c> and <c>Collage:Cache</c> included, with the documented defaults.</summary>
    public static CollageOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        new ConfigSection(section).RefuseUnknownKeys(TopLevelKeys);
        var http = ConfigSection.Of(section, nameof(CollageOptions.Http)).RefuseUnknownKeys(HttpKeys);
        var cache = CacheConfigReader.Read(section);

        return new CollageOptions
        {
            Mappings = MappingConfigReader.Read(section.GetSection("Mappings")),
            Vhosts = ReadHostKeyed(section.GetSection("Vhosts"), VhostKeys)
                .ToDictionary(e => e.Key, e => new VhostOptions { Mappings = MappingConfigReader.Read(e.Section.GetSection("Mappings")) }),
            Upstreams = ReadHostKeyed(section.GetSection("Upstreams"), UpstreamKeys)
                .ToDictionary(e => e.Key, e => ReadUpstream(e.Section, cache)),
            Http = ReadHttp(http),
            PublicUrl = AuthConfigReader.ReadPublicUrl(section),
            TrustedProxies = AuthConfigReader.ReadTrustedProxies(section),
            DockerConfig = section[nameof(CollageOptions.DockerConfig)] is { Length: > 0 } dockerConfig ? dockerConfig : null,
            Cache = cache,
            Access = AccessConfigReader.Read(section),
        };
    }

    private static UpstreamHttpOptions ReadHttp(ConfigSection section)
    {
        var defaults = new UpstreamHttpOptions();
        return new UpstreamHttpOptions
        {
            ConnectTimeout = section.Duration(nameof(UpstreamHttpOptions.ConnectTimeout), defaults.ConnectTimeout),
            ActivityTimeout = section.Duration(nameof(UpstreamHttpOptions.ActivityTimeout), defaults.ActivityTimeout),
            PooledConnectionIdleTimeout = section.Duration(nameof(UpstreamHttpOptions.PooledConnectionIdleTimeout), defaults.PooledConnectionIdleTimeout),
            PooledConnectionLifetime = section.Duration(nameof(UpstreamHttpOptions.PooledConnectionLifetime), defaults.PooledConnectionLifetime),
            RateLimitBackoff = section.Duration(nameof(UpstreamHttpOptions.RateLimitBackoff), defaults.RateLimitBackoff),
            ResponseHeaderTimeout = section.Duration(nameof(UpstreamHttpOptions.ResponseHeaderTimeout), defaults.ResponseHeaderTimeout),
            BreakDuration = section.Duration(nameof(UpstreamHttpOptions.BreakDuration), defaults.BreakDuration),
        };
    }

    private static UpstreamOptions ReadUpstream(IConfigurationSection section, CacheOptions? cache)
    {
        return AuthConfigReader.ReadCredentials(section, new UpstreamOptions
        {
            CaFile = section[nameof(UpstreamOptions.CaFile)] is { Length: > 0 } ca ? ca : null,
            InsecureSkipVerify = new ConfigSection(section).Switch(nameof(UpstreamOptions.InsecureSkipVerify)),
            Cache = CacheConfigReader.ReadUpstream(section, cache),
        });
    }

    private static IEnumerable<(string Key, IConfigurationSection Section)> ReadHostKeyed(IConfigurationSection parent, string[] entryKeys)
    {
        foreach (var host in parent.GetChildren())
        {
            var isEntry = false;
            foreach (var child in host.GetChildren())
            {
                if (entryKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    isEntry = true;
                }
                else if (IsPort(child.Key) && child.Value is null)
                {
                    // host:port, split by the configuration system. An empty object ({}) arrives as a key
                    // without value or children and is an entry with defaults, as it is without a port.
                    new ConfigSection(child).RefuseUnknownKeys(entryKeys);
                    yield return ($"{host.Key}:{child.Key}", child);
                }
                else
                {
                    throw ConfigSection.UnknownKey(child, entryKeys);
                }
            }

            // An empty object ({}) is an entry with every default, not nothing.
            if (isEntry || (host.Value is null && !host.GetChildren().Any()))
            {
                yield return (host.Key, host);
            }
            else if (host.Value is not null)
            {
                throw new CollageConfigException(host.Path, $"expected an object with {string.Join(" or ", entryKeys)}, found the value '{host.Value}'.");
            }
        }
    }

    private static bool IsPort(string key) =>
        key.Length is > 0 and <= 5 && key.All(char.IsAsciiDigit) && int.Parse(key, CultureInfo.InvariantCulture) is > 0 and <= 65535;
}
