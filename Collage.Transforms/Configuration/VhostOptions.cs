namespace Collage.Transforms.Configuration;

/// <summary>The mounts one virtual host serves.</summary>
public sealed record VhostOptions
{
    /// <summary>Local repository-name prefix to upstream source, as in <see cref="CollageOptions.Mappings"/>.</summary>
    public IReadOnlyDictionary<string, MappingOptions> Mappings { get; init; } = new Dictionary<string, MappingOptions>();
}
