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
        "Mappings", "Vhosts", "Upstreams", "Http", "Health",
        nameof(CollageOptions.PublicUrl), nameof(CollageOptions.TrustedProxies), nameof(CollageOptions.DockerConfig),
    ];
    private static readonly string[] VhostKeys = ["Mappings"];
    private static readonly string[] UpstreamKeys =
    [
        nameof(UpstreamOptions.CaFile), nameof(UpstreamOptions.InsecureSkipVerify), nameof(UpstreamOptions.Auth),
        nameof(UpstreamOptions.Username), nameof(UpstreamOptions.Password), nameof(UpstreamOptions.PasswordFile),
        nameof(UpstreamOptions.IdentityToken),
    ];
    private static readonly string[] HttpKeys =
    [
        nameof(UpstreamHttpOptions.ConnectTimeout), nameof(UpstreamHttpOptions.ActivityTimeout),
        nameof(UpstreamHttpOptions.PooledConnectionIdleTimeout), nameof(UpstreamHttpOptions.PooledConnectionLifetime),
    ];

    public static CollageOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        CheckKeys(section, TopLevelKeys);
        CheckKeys(section.GetSection("Http"), HttpKeys);

        return new CollageOptions
        {
            Mappings = ReadMappings(section.GetSection("Mappings")),
            Vhosts = ReadHostKeyed(section.GetSection("Vhosts"), VhostKeys)
                .ToDictionary(e => e.Key, e => new VhostOptions { Mappings = ReadMappings(e.Section.GetSection("Mappings")) }),
            Upstreams = ReadHostKeyed(section.GetSection("Upstreams"), UpstreamKeys)
                .ToDictionary(e => e.Key, e => ReadUpstream(e.Section)),
            PublicUrl = AuthConfigReader.ReadPublicUrl(section),
            TrustedProxies = AuthConfigReader.ReadTrustedProxies(section),
            DockerConfig = section[nameof(CollageOptions.DockerConfig)] is { Length: > 0 } dockerConfig ? dockerConfig : null,
        };
    }

    /// <summary>Reads <c>Collage:Http</c>, with the documented defaults for what it does not set.</summary>
    public static UpstreamHttpOptions ReadHttp(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName).GetSection("Http");
        var defaults = new UpstreamHttpOptions();
        return new UpstreamHttpOptions
        {
            ConnectTimeout = ReadTimeSpan(section, nameof(UpstreamHttpOptions.ConnectTimeout), defaults.ConnectTimeout),
            ActivityTimeout = ReadTimeSpan(section, nameof(UpstreamHttpOptions.ActivityTimeout), defaults.ActivityTimeout),
            PooledConnectionIdleTimeout = ReadTimeSpan(section, nameof(UpstreamHttpOptions.PooledConnectionIdleTimeout), defaults.PooledConnectionIdleTimeout),
            PooledConnectionLifetime = ReadTimeSpan(section, nameof(UpstreamHttpOptions.PooledConnectionLifetime), defaults.PooledConnectionLifetime),
        };
    }

    private static Dictionary<string, string> ReadMappings(IConfigurationSection section)
    {
        var mappings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in section.GetChildren())
        {
            if (child.Value is null)
            {
                throw new CollageConfigException(child.Path, "a mapping's value must be an upstream string such as \"quay.io/coreos/etcd\", not an object. Vhosts go under 'vhosts'.");
            }

            mappings[child.Key] = child.Value;
        }

        return mappings;
    }

    private static UpstreamOptions ReadUpstream(IConfigurationSection section)
    {
        return AuthConfigReader.ReadCredentials(section, new UpstreamOptions
        {
            CaFile = section[nameof(UpstreamOptions.CaFile)] is { Length: > 0 } ca ? ca : null,
            InsecureSkipVerify = ConfigurationSwitch.Read(section, nameof(UpstreamOptions.InsecureSkipVerify)),
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
                    CheckKeys(child, entryKeys);
                    yield return ($"{host.Key}:{child.Key}", child);
                }
                else
                {
                    throw UnknownKey(child, entryKeys);
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

    private static void CheckKeys(IConfigurationSection section, string[] allowed)
    {
        foreach (var child in section.GetChildren())
        {
            if (!allowed.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw UnknownKey(child, allowed);
            }
        }
    }

    private static CollageConfigException UnknownKey(IConfigurationSection child, string[] allowed)
    {
        var closest = allowed.MinBy(a => Distance(a.ToLowerInvariant(), child.Key.ToLowerInvariant()))!;
        var hint = Distance(closest.ToLowerInvariant(), child.Key.ToLowerInvariant()) <= 3 ? $" Did you mean '{closest}'?" : string.Empty;
        return new CollageConfigException(child.Path, $"unknown key '{child.Key}'.{hint} Allowed here: {string.Join(", ", allowed)}.");
    }

    private static TimeSpan ReadTimeSpan(IConfigurationSection section, string key, TimeSpan fallback)
    {
        var value = section[key];
        if (value is null)
        {
            return fallback;
        }

        if (!TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var parsed) || parsed <= TimeSpan.Zero)
        {
            throw new CollageConfigException($"{section.Path}:{key}", $"'{value}' is not a positive time span. Write it as hh:mm:ss, e.g. \"00:00:30\".");
        }

        return parsed;
    }

    private static bool IsPort(string key) =>
        key.Length is > 0 and <= 5 && key.All(char.IsAsciiDigit) && int.Parse(key, CultureInfo.InvariantCulture) is > 0 and <= 65535;

    // Levenshtein distance, for "did you mean" hints on a handful of short keys.
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
