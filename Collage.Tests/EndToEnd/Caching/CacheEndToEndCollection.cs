namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// The pull-through cache's end-to-end tests: each starts its own registry and a cold cache, and they run one at a
/// time, so that eight skopeo processes or a 200 MiB workload do not share two cores with one another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CacheEndToEndCollection
{
    /// <summary>The collection name to put in <c>[Collection(...)]</c>.</summary>
    public const string Name = "cache end to end";
}
