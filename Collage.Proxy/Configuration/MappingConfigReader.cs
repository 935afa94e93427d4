using System.Globalization;
using Collage.Transforms.Configuration;

namespace Collage.Proxy.Configuration;

/// <summary>
/// Reads a <c>mappings</c> section: each value is an upstream string (the original form), a list of them (a group,
/// first choice first), or an object <c>{ "upstreams": [...], "tags": "first-healthy" | "primary-only" }</c>.
/// </summary>
internal static class MappingConfigReader
{
    private const string UpstreamsKey = "Upstreams";
    private const string TagsKey = "Tags";
    private static readonly string[] ObjectKeys = [UpstreamsKey, TagsKey];

    /// <summary>The mappings of <paramref name="section"/>, by local prefix as written.</summary>
    public static Dictionary<string, MappingOptions> Read(IConfigurationSection section)
    {
        var mappings = new Dictionary<string, MappingOptions>(StringComparer.Ordinal);
        foreach (var child in section.GetChildren())
        {
            mappings[child.Key] = ReadOne(child);
        }

        return mappings;
    }

    private static MappingOptions ReadOne(IConfigurationSection mapping)
    {
        if (mapping.Value is { Length: > 0 } upstream)
        {
            return upstream;
        }

        var children = mapping.GetChildren().ToList();
        if (children.Count == 0)
        {
            throw new CollageConfigException(mapping.Path, "the mapping is empty. Give an upstream such as \"quay.io/coreos/etcd\", or a list of them for a group.");
        }

        if (children.All(c => IsIndex(c.Key)))
        {
            return new MappingOptions { Upstreams = ReadList(mapping) };
        }

        if (children.Any(c => string.Equals(c.Key, "Mappings", StringComparison.OrdinalIgnoreCase)))
        {
            throw new CollageConfigException(mapping.Path, "a mapping's value is an upstream string, a list of them, or an object with 'upstreams' and 'tags'; not an object with mappings. Vhosts go under 'vhosts'.");
        }

        new ConfigSection(mapping).RefuseUnknownKeys(ObjectKeys);
        return new MappingOptions
        {
            Upstreams = ReadList(mapping.GetSection(UpstreamsKey)),
            Tags = ReadTags(mapping.GetSection(TagsKey)),
        };
    }

    private static List<string> ReadList(IConfigurationSection list)
    {
        var entries = list.GetChildren().ToList();
        if (entries.Count == 0 || !entries.All(e => IsIndex(e.Key)))
        {
            throw new CollageConfigException(list.Path, "expected a list of upstreams, first choice first, e.g. [\"mirror.corp.lan/dockerhub/library\", \"registry-1.docker.io/library\"].");
        }

        var upstreams = new List<string>();
        foreach (var entry in entries.OrderBy(e => int.Parse(e.Key, CultureInfo.InvariantCulture)))
        {
            if (entry.Value is not { Length: > 0 } value)
            {
                throw new CollageConfigException(entry.Path, "each member of a group is an upstream string such as \"quay.io/coreos/etcd\".");
            }

            upstreams.Add(value);
        }

        return upstreams;
    }

    private static GroupTagPolicy ReadTags(IConfigurationSection tags) => tags.Value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "first-healthy" => GroupTagPolicy.FirstHealthy,
        "primary-only" => GroupTagPolicy.PrimaryOnly,
        _ => throw new CollageConfigException(tags.Path, $"'{tags.Value}' is not a tag policy. Use \"first-healthy\" (the default: the first member that has the tag answers) or \"primary-only\" (only the first member answers by tag)."),
    };

    private static bool IsIndex(string key) => key.Length is > 0 and <= 4 && key.All(char.IsAsciiDigit);
}
