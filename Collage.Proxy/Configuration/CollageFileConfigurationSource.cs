using Microsoft.Extensions.Configuration.Json;

namespace Collage.Proxy.Configuration;

/// <summary>
/// A config file in the original collage format (<c>{"mappings":{...},"vhosts":{...}}</c>, plus
/// <c>upstreams</c>), read as if it were the <c>Collage</c> section, so it layers like any other source.
/// </summary>
internal sealed class CollageFileConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new CollageFileConfigurationProvider(this);
    }
}
