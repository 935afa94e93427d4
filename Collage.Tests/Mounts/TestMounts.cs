using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Tests.Mounts;

/// <summary>Builds mount tables and maps from compact test data.</summary>
internal static class TestMounts
{
    /// <summary>The mappings of the original collage configuration file.</summary>
    public static readonly string[] Original =
    [
        "cool/stuff=index.docker.io/flavio",
        "etcd=quay.io/coreos/etcd",
        "foobar=http://insecure-registry.local.lan/foo",
        "hub=registry-1.docker.io",
    ];

    /// <summary>Pairs such as <c>"cool/stuff=index.docker.io/flavio"</c>.</summary>
    public static Dictionary<string, MappingOptions> Mappings(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => (MappingOptions)p[1], StringComparer.Ordinal);

    public static MountMap Global(params string[] pairs) =>
        MountTableBuilder.Build(new CollageOptions { Mappings = Mappings(pairs) }).Global;

    public static MountTable Table(params string[] pairs) =>
        MountTableBuilder.Build(new CollageOptions { Mappings = Mappings(pairs) });
}
