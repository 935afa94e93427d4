using System.Globalization;
using Collage.Proxy.Configuration;
using Collage.Transforms.Configuration;

namespace Collage.Proxy.Health;

/// <summary>Reads <see cref="HealthOptions"/>, refusing unknown keys and values that do not parse.</summary>
internal static class HealthConfigReader
{
    private static readonly string[] Keys =
        [nameof(HealthOptions.ProbeUpstreams), nameof(HealthOptions.ProbeInterval), nameof(HealthOptions.ProbeTimeout)];

    public static HealthOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection(HealthOptions.SectionName);
        foreach (var child in section.GetChildren())
        {
            if (!Keys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new CollageConfigException(child.Path, $"unknown key '{child.Key}'. Allowed here: {string.Join(", ", Keys)}.");
            }
        }

        var defaults = new HealthOptions();
        return new HealthOptions
        {
            ProbeUpstreams = ConfigurationSwitch.Read(section, nameof(HealthOptions.ProbeUpstreams)),
            ProbeInterval = ReadPositive(section, nameof(HealthOptions.ProbeInterval), defaults.ProbeInterval),
            ProbeTimeout = ReadPositive(section, nameof(HealthOptions.ProbeTimeout), defaults.ProbeTimeout),
        };
    }

    private static TimeSpan ReadPositive(IConfigurationSection section, string key, TimeSpan fallback)
    {
        var text = section[key];
        if (text is null)
        {
            return fallback;
        }

        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) || value <= TimeSpan.Zero)
        {
            throw new CollageConfigException($"{section.Path}:{key}", $"'{text}' is not a positive time span. Write e.g. 00:00:30 for 30 seconds.");
        }

        return value;
    }
}
