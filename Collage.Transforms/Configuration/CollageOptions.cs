namespace Collage.Transforms.Configuration;

/// <summary>
/// The whole gateway configuration: the original collage <c>config.json</c> schema
/// (<c>mappings</c>, <c>vhosts</c>) plus Collage's <c>upstreams</c> and <c>http</c> sections.
/// </summary>
public sealed record CollageOptions
{
    /// <summary>
    /// Global mounts: local repository-name prefix to upstream source (<c>[http[s]://]host[:port][/namespace]</c>) or
    /// to a group of them in order (<see cref="MappingOptions"/>). Used for every Host that no vhost matches.
    /// </summary>
    public IReadOnlyDictionary<string, MappingOptions> Mappings { get; init; } = new Dictionary<string, MappingOptions>();

    /// <summary>
    /// Virtual hosts, keyed by <c>host</c> (any port) or <c>host:port</c>. A Host that matches a vhost
    /// sees that vhost's mappings only.
    /// </summary>
    public IReadOnlyDictionary<string, VhostOptions> Vhosts { get; init; } = new Dictionary<string, VhostOptions>();

    /// <summary>
    /// Per-upstream settings keyed by the upstream's <c>host[:port]</c> as it appears in the mappings.
    /// </summary>
    public IReadOnlyDictionary<string, UpstreamOptions> Upstreams { get; init; } = new Dictionary<string, UpstreamOptions>();

    /// <summary>
    /// How Collage talks to every upstream (<c>Collage:Http</c>): connect and activity timeouts, connection pooling.
    /// Default: the documented defaults of <see cref="UpstreamHttpOptions"/> (10 s, 100 s, 90 s, 5 min).
    /// </summary>
    public UpstreamHttpOptions Http { get; init; } = new();

    /// <summary>
    /// The URL clients reach Collage at, e.g. <c>https://registry.example.com</c>; pass-through challenges name
    /// <c>{PublicUrl}/v2/token</c> as their realm. Default: none, taken from each request (scheme and Host, or
    /// <c>X-Forwarded-Proto</c>/<c>X-Forwarded-Host</c> when the request comes from one of <see cref="TrustedProxies"/>).
    /// </summary>
    public string? PublicUrl { get; init; }

    /// <summary>
    /// IP addresses of reverse proxies whose <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> are believed.
    /// Default: none, so forwarded headers are ignored.
    /// </summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>
    /// A docker <c>config.json</c> whose <c>auths</c> give credentials for upstreams that configure none. Default:
    /// <c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>, when the file exists.
    /// </summary>
    public string? DockerConfig { get; init; }

    /// <summary>The pull-through cache (<c>Collage:Cache</c>). Default: none, so every request streams from its upstream.</summary>
    public CacheOptions? Cache { get; init; }

    /// <summary>Client access control (<c>Collage:Access</c>). Default: none, so every client pulls every mount.</summary>
    public AccessOptions? Access { get; init; }
}
