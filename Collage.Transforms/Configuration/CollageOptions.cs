namespace Collage.Transforms.Configuration;

/// <summary>
/// The whole gateway configuration: the original collage <c>config.json</c> schema
/// (<c>mappings</c>, <c>vhosts</c>) plus Collage's <c>upstreams</c> section.
/// </summary>
public sealed record CollageOptions
{
    /// <summary>
    /// Global mounts: local repository-name prefix to upstream source
    /// (<c>[http[s]://]host[:port][/namespace]</c>). Used for every Host that no vhost matches.
    /// </summary>
    public IReadOnlyDictionary<string, string> Mappings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Virtual hosts, keyed by <c>host</c> (any port) or <c>host:port</c>. A Host that matches a vhost
    /// sees that vhost's mappings only.
    /// </summary>
    public IReadOnlyDictionary<string, VhostOptions> Vhosts { get; init; } = new Dictionary<string, VhostOptions>();

    /// <summary>
    /// Per-upstream settings keyed by the upstream's <c>host[:port]</c> as it appears in the mappings.
    /// </summary>
    public IReadOnlyDictionary<string, UpstreamOptions> Upstreams { get; init; } = new Dictionary<string, UpstreamOptions>();
}
