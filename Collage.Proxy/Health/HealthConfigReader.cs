using Collage.Proxy.Configuration;

namespace Collage.Proxy.Health;

/// <summary>Reads <see cref="HealthOptions"/>, refusing unknown keys and values that do not parse.</summary>
internal static class HealthConfigReader
{
    private static readonly string[] Keys =
        [nameof(HealthOptions.ProbeUpstreams), nameof(HealthOptions.ProbeInterval), nameof(HealthOptions.ProbeTimeout)];

    /// <summary>Reads <c>Collage:Health</c>, with the documented defaults of <see cref="HealthOptions"/> for what it does not set.</summary>
    public static HealthOptions Read(IConfiguration configuration)
    {
        var section = ConfigSection.Of(configuration, HealthOptions.SectionName).RefuseUnknownKeys(Keys);
        var defaults = new HealthOptions();
        return new HealthOptions
        {
            ProbeUpstreams = section.Switch(nameof(HealthOptions.ProbeUpstreams), defaults.ProbeUpstreams),
            ProbeInterval = section.Duration(nameof(HealthOptions.ProbeInterval), defaults.ProbeInterval),
            ProbeTimeout = section.Duration(nameof(HealthOptions.ProbeTimeout), defaults.ProbeTimeout),
        };
    }
}
