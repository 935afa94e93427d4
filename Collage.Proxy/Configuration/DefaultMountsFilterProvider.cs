using Microsoft.Extensions.Primitives;

namespace Collage.Proxy.Configuration;

/// <summary>The provider of <see cref="DefaultMountsFilterSource"/>.</summary>
internal sealed class DefaultMountsFilterProvider(IConfigurationProvider inner) : IConfigurationProvider
{
    private static readonly string[] Hidden =
    [
        $"{CollageConfigReader.SectionName}:Mappings",
        $"{CollageConfigReader.SectionName}:Vhosts",
        $"{CollageConfigReader.SectionName}:{CacheConfigReader.SectionKey}",
    ];

    public bool TryGet(string key, out string? value)
    {
        value = null;
        return !IsHidden(key) && inner.TryGet(key, out value);
    }

    public void Set(string key, string? value) => inner.Set(key, value);

    public IChangeToken GetReloadToken() => inner.GetReloadToken();

    public void Load() => inner.Load();

    public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath) =>
        parentPath is not null && IsHidden(parentPath)
            ? earlierKeys
            : earlierKeys.Concat(inner.GetChildKeys([], parentPath).Where(key => !IsHidden(Combine(parentPath, key))));

    private static string Combine(string? parent, string key) => parent is null ? key : $"{parent}:{key}";

    private static bool IsHidden(string key) =>
        Hidden.Any(h => key.Equals(h, StringComparison.OrdinalIgnoreCase) || key.StartsWith(h + ":", StringComparison.OrdinalIgnoreCase));
}
