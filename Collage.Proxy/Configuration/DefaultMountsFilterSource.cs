namespace Collage.Proxy.Configuration;

/// <summary>
/// Wraps a source of defaults (appsettings.json) and hides its <c>Collage:Mappings</c> and
/// <c>Collage:Vhosts</c>: when a config file is given, its mounts replace the default ones instead of
/// being merged with them.
/// </summary>
internal sealed class DefaultMountsFilterSource(IConfigurationSource inner) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new DefaultMountsFilterProvider(inner.Build(builder));
}
