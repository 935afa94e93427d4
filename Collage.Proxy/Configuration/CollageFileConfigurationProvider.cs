using Microsoft.Extensions.Configuration.Json;

namespace Collage.Proxy.Configuration;

/// <summary>Loads an original-format config file and moves every key under <c>Collage:</c>.</summary>
internal sealed class CollageFileConfigurationProvider(CollageFileConfigurationSource source) : JsonConfigurationProvider(source)
{
    public override void Load(Stream stream)
    {
        base.Load(stream);
        Data = Data.ToDictionary(
            entry => $"{CollageConfigReader.SectionName}{ConfigurationPath.KeyDelimiter}{entry.Key}",
            entry => entry.Value,
            StringComparer.OrdinalIgnoreCase);
    }
}
