namespace Collage.Proxy.Configuration;

/// <summary>
/// Wraps a source of defaults (appsettings.json) and hides its <c>Collage:Mappings</c>, <c>Collage:Vhosts</c> and
/// <c>Collage:Cache</c>: when a config file is given, its mounts replace the default ones instead of being merged with
/// them, and a file without a <c>cache</c> section means no cache, as before there was one (the embedded default's
/// cache is for <c>dotnet run</c>, not for a deployment that did not ask for one).
/// </summary>
internal sealed class DefaultMountsFilterSource(IConfigurationSource inner) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new DefaultMountsFilterProvider(inner.Build(builder));
}
