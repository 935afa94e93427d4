namespace Collage.Transforms.Configuration;

/// <summary>
/// What one mapping mounts: an upstream source, or a group of them in order (<c>"library": ["https://mirror.corp.lan/
/// dockerhub/library", "registry-1.docker.io/library"]</c>), each <c>[http[s]://]host[:port][/namespace]</c>. A plain
/// string is a group of one, exactly as the original collage read it.
/// </summary>
public sealed record MappingOptions
{
    /// <summary>The upstream sources, first choice first. Required: at least one.</summary>
    public IReadOnlyList<string> Upstreams { get; init; } = [];

    /// <summary>Which members a by-tag request may be answered by. Default <see cref="GroupTagPolicy.FirstHealthy"/>.</summary>
    public GroupTagPolicy Tags { get; init; } = GroupTagPolicy.FirstHealthy;

    /// <summary>Equal when the members, in order, and the tag policy are (a reload compares configurations by value).</summary>
    public bool Equals(MappingOptions? other) =>
        other is not null && Tags == other.Tags && Upstreams.SequenceEqual(other.Upstreams, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Tags, Upstreams.Count, Upstreams.Count == 0 ? null : Upstreams[0]);

    /// <summary>A mapping to one upstream source, the original string form.</summary>
    public static implicit operator MappingOptions(string upstream) => new() { Upstreams = [upstream] };
}
