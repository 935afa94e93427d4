using System.Globalization;
using System.Numerics;
using Collage.Transforms.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// One configuration section read key by key, with the rules every Collage section shares: an unknown key stops
/// start-up with the nearest allowed key and the whole list, a switch is <c>true</c> or <c>false</c>, a number is
/// whole and in its range, a duration is a positive <c>hh:mm:ss</c>. A value that is not set is the caller's
/// default; one that is set but wrong throws a <see cref="CollageConfigException"/> naming the full key path
/// (<c>Server:Limits:KeepAliveTimeout</c>) and the fix, never a silent default.
/// </summary>
internal sealed class ConfigSection
{
    // Farther than this from every allowed key, a typo is more likely a different word: no hint.
    private const int HintDistance = 3;

    private readonly IConfiguration _configuration;

    /// <summary>
    /// Reads keys under <paramref name="configuration"/>: a section (keys are then named <c>Path:key</c>) or the
    /// configuration root (keys such as <c>Telemetry:Tracing</c> are named as given).
    /// </summary>
    public ConfigSection(IConfiguration configuration)
    {
        _configuration = configuration;
        Path = configuration is IConfigurationSection section ? section.Path : string.Empty;
    }

    /// <summary>The section's own path, e.g. <c>Collage:Health</c>; empty at the configuration root.</summary>
    public string Path { get; }

    /// <summary>The raw value of <paramref name="key"/>, or null when it is not set.</summary>
    public string? this[string key] => _configuration[key];

    /// <summary>The section <paramref name="path"/> of <paramref name="configuration"/>.</summary>
    public static ConfigSection Of(IConfiguration configuration, string path) => new(configuration.GetSection(path));

    /// <summary>The full path of <paramref name="key"/>, as messages name it.</summary>
    public string KeyPath(string key) => Path.Length == 0 ? key : $"{Path}:{key}";

    /// <summary>
    /// Throws for the first child key that is not in <paramref name="allowed"/> (compared ignoring case, as .NET
    /// configuration does), so a typo stops start-up instead of being ignored.
    /// </summary>
    /// <returns>This section, to read on from.</returns>
    public ConfigSection RefuseUnknownKeys(IReadOnlyList<string> allowed)
    {
        foreach (var child in _configuration.GetChildren())
        {
            if (!allowed.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw UnknownKey(child, allowed);
            }
        }

        return this;
    }

    /// <summary>
    /// The error for <paramref name="child"/>, a key not among <paramref name="allowed"/>: it names the key, the
    /// nearest allowed one when it is a likely typo ("Did you mean 'Mappings'?") and the whole list.
    /// </summary>
    public static CollageConfigException UnknownKey(IConfigurationSection child, IReadOnlyList<string> allowed)
    {
        var key = child.Key.ToLowerInvariant();
        var closest = allowed.MinBy(a => Distance(a.ToLowerInvariant(), key))!;
        var hint = Distance(closest.ToLowerInvariant(), key) <= HintDistance ? $" Did you mean '{closest}'?" : string.Empty;
        return new CollageConfigException(child.Path, $"unknown key '{child.Key}'.{hint} Allowed here: {string.Join(", ", allowed)}.");
    }

    /// <summary>The on/off setting <paramref name="key"/>, or <paramref name="fallback"/> when it is not set.</summary>
    public bool Switch(string key, bool fallback = false)
    {
        if (_configuration[key] is not { } text)
        {
            return fallback;
        }

        if (!bool.TryParse(text, out var value))
        {
            throw new CollageConfigException(KeyPath(key), $"'{text}' is not a boolean. Write true or false.");
        }

        return value;
    }

    /// <summary>
    /// The whole number <paramref name="key"/> from <paramref name="min"/> to <paramref name="max"/>, or
    /// <paramref name="fallback"/> when it is not set. Digits only: no sign, no separators.
    /// </summary>
    public T WholeNumber<T>(string key, T fallback, T min, T max)
        where T : IBinaryInteger<T>
    {
        if (_configuration[key] is not { } text)
        {
            return fallback;
        }

        if (!T.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new CollageConfigException(KeyPath(key), $"'{text}' is not a whole number from {min} to {max}. Write one in that range, e.g. {fallback} (the default).");
        }

        return value;
    }

    /// <summary>
    /// The positive duration <paramref name="key"/>, written as a .NET time span (<c>[d.]hh:mm:ss[.fff]</c>), or
    /// <paramref name="fallback"/> when it is not set. Zero and negative durations are refused: every duration
    /// Collage reads is an interval or a timeout, where zero would mean "never wait" or "spin".
    /// </summary>
    public TimeSpan Duration(string key, TimeSpan fallback)
    {
        if (_configuration[key] is not { } text)
        {
            return fallback;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero)
        {
            throw new CollageConfigException(KeyPath(key), $"'{text}' is not a positive time span. Write it as hh:mm:ss, e.g. \"00:00:30\" for 30 seconds.");
        }

        return value;
    }

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
