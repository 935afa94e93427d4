using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Collage.Transforms.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// One configuration section read key by key, with the rules every Collage section shares: an unknown key stops
/// start-up with the nearest allowed key and the whole list, a switch is <c>true</c> or <c>false</c>, a number is
/// whole and in its range, a duration is a positive <c>hh:mm:ss</c>, a size is bytes or a binary unit (<c>50GiB</c>). A value that is not set is the caller's
/// default; one that is set but wrong throws a <see cref="CollageConfigException"/> naming the full key path
/// (<c>Server:Limits:KeepAliveTimeout</c>) and the fix, never a silent default.
/// </summary>
internal sealed partial class ConfigSection
{
    // Farther than this from every allowed key, a typo is more likely a different word: no hint.
    private const int HintDistance = 3;

    private static readonly Regex SizeSyntax = SizeSyntaxRegex();

    private static readonly Dictionary<string, long> BinaryUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        [string.Empty] = 1, ["B"] = 1, ["KiB"] = 1L << 10, ["MiB"] = 1L << 20, ["GiB"] = 1L << 30, ["TiB"] = 1L << 40,
    };

    // What people write for a binary unit by habit (SI, JEDEC, ls -h), each with the binary unit to suggest.
    private static readonly Dictionary<string, string> DecimalUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["K"] = "KiB", ["KB"] = "KiB", ["M"] = "MiB", ["MB"] = "MiB", ["G"] = "GiB", ["GB"] = "GiB", ["T"] = "TiB", ["TB"] = "TiB",
    };

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
    /// <paramref name="fallback"/> when it is not set. Negative durations are refused, and zero unless
    /// <paramref name="allowZero"/>: most durations Collage reads are an interval or a timeout, where zero would mean
    /// "never wait" or "spin".
    /// </summary>
    /// <param name="key">The key, relative to this section.</param>
    /// <param name="fallback">The value when <paramref name="key"/> is not set.</param>
    /// <param name="allowZero">
    /// Accept <c>00:00:00</c>, for the few durations that are an age rather than an interval: a cache's tag TTL of zero
    /// means "revalidate every time", its stale window of zero "never serve stale".
    /// </param>
    public TimeSpan Duration(string key, TimeSpan fallback, bool allowZero = false)
    {
        if (_configuration[key] is not { } text)
        {
            return fallback;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value < TimeSpan.Zero || (value == TimeSpan.Zero && !allowZero))
        {
            var kind = allowZero ? "time span of zero or more" : "positive time span";
            throw new CollageConfigException(KeyPath(key), $"'{text}' is not a {kind}. Write it as hh:mm:ss, e.g. \"00:00:30\" for 30 seconds.");
        }

        return value;
    }

    /// <summary>
    /// The size in bytes <paramref name="key"/>, at least <paramref name="min"/>, or <paramref name="fallback"/> when it
    /// is not set: a whole number of bytes (<c>"1048576"</c>) or a number with a binary unit, <c>B</c>, <c>KiB</c>,
    /// <c>MiB</c>, <c>GiB</c> or <c>TiB</c>, in any case and with an optional space (<c>"50GiB"</c>, <c>"1.5 GiB"</c>).
    /// </summary>
    /// <remarks>
    /// Decimal units (<c>GB</c>, <c>G</c>) are refused rather than guessed: "50GB" is 50·10⁹ bytes to a disk vendor and
    /// 50·2³⁰ to <c>du</c>, 7% apart, and a cache limit read the wrong way fills the disk.
    /// </remarks>
    public long Size(string key, long fallback, long min = 1)
    {
        if (_configuration[key] is not { } text)
        {
            return fallback;
        }

        var match = SizeSyntax.Match(text);
        if (!match.Success)
        {
            throw new CollageConfigException(KeyPath(key), $"'{text}' is not a size. Write a whole number of bytes or a number with a binary unit (B, KiB, MiB, GiB, TiB), e.g. \"50GiB\".");
        }

        var number = match.Groups["number"].Value;
        var unit = match.Groups["unit"].Value;
        if (!BinaryUnits.TryGetValue(unit, out var multiplier))
        {
            throw DecimalUnits.TryGetValue(unit, out var binary)
                ? new CollageConfigException(KeyPath(key), $"'{text}' uses the decimal unit '{unit}'. Sizes are binary: write \"{number}{binary}\".")
                : new CollageConfigException(KeyPath(key), $"'{text}' has the unknown unit '{unit}'. Write B, KiB, MiB, GiB or TiB, e.g. \"50GiB\".");
        }

        // The syntax admits only digits and one point, so a number that does not parse is too large for decimal.
        decimal bytes;
        try
        {
            bytes = decimal.Parse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * multiplier;
        }
        catch (OverflowException)
        {
            bytes = decimal.MaxValue;
        }

        if (bytes > long.MaxValue)
        {
            throw new CollageConfigException(KeyPath(key), $"'{text}' is too large. Write at most 8388607TiB.");
        }

        if (bytes != decimal.Truncate(bytes))
        {
            throw new CollageConfigException(KeyPath(key), $"'{text}' is not a whole number of bytes. Write a whole number of bytes, or the size in a smaller unit (\"1536MiB\", not \"1.5GiB\" when that is not whole).");
        }

        if (bytes < min || bytes <= 0)
        {
            var least = min <= 1 ? "a positive size" : $"at least {FormatSize(min)}";
            throw new CollageConfigException(KeyPath(key), $"'{text}' is too small. Write {least}, e.g. \"{FormatSize(Math.Max(fallback, min))}\".");
        }

        return (long)bytes;
    }

    /// <summary><paramref name="bytes"/> in the largest binary unit that writes it whole, as <see cref="Size"/> reads it.</summary>
    public static string FormatSize(long bytes)
    {
        foreach (var (unit, multiplier) in BinaryUnits.OrderByDescending(u => u.Value))
        {
            if (bytes != 0 && bytes % multiplier == 0)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{bytes / multiplier}{unit}");
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\s*(?<number>[0-9]+(\.[0-9]+)?)\s?(?<unit>[A-Za-z]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SizeSyntaxRegex();

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
