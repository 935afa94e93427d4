using Collage.Transforms.Configuration;

namespace Collage.Transforms.Mounts;

/// <summary>
/// The configuration in force, as one snapshot: the single source of truth for name mapping (picks the mount map
/// for a Host or a mirror client's <c>ns</c> and resolves names in both directions) and every setting a request
/// reads on its way (upstream settings, HTTP timeouts, the public URL, the docker config). Immutable; a reload
/// builds a new table, and a request keeps the one the front door read.
/// </summary>
internal sealed class MountTable
{
    private readonly Dictionary<string, MountMap> _vhostsWithPort;
    private readonly Dictionary<string, MountMap> _vhostsAnyPort;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Caching.CachePolicy?> _cachePolicies = new(StringComparer.Ordinal);

    public MountTable(
        MountMap global,
        IReadOnlyDictionary<string, MountMap> vhosts,
        IReadOnlyList<Upstream> upstreams,
        IReadOnlyDictionary<string, UpstreamOptions> upstreamOptions)
    {
        Global = global;
        Upstreams = upstreams;
        UpstreamOptions = upstreamOptions;
        _vhostsWithPort = new(StringComparer.OrdinalIgnoreCase);
        _vhostsAnyPort = new(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, map) in vhosts)
        {
            var host = new Microsoft.AspNetCore.Http.HostString(key);
            (host.Port is null ? _vhostsAnyPort : _vhostsWithPort)[key] = map;
        }

        Vhosts = vhosts;
    }

    /// <summary>The mounts for hosts that no vhost matches.</summary>
    public MountMap Global { get; }

    /// <summary>The vhosts by normalised key.</summary>
    public IReadOnlyDictionary<string, MountMap> Vhosts { get; }

    /// <summary>Every distinct upstream, in a stable order.</summary>
    public IReadOnlyList<Upstream> Upstreams { get; }

    /// <summary>Every mount that is an upstream group, in every map: each has its own YARP cluster.</summary>
    public IReadOnlyList<Mount> Groups => field ??= [.. new[] { Global }.Concat(Vhosts.Values).SelectMany(m => m.Mounts).Where(m => m.IsGroup)];

    /// <summary>Per-upstream settings by <see cref="Upstream.Authority"/>.</summary>
    public IReadOnlyDictionary<string, UpstreamOptions> UpstreamOptions { get; }

    /// <summary>Timeouts and pooling of every upstream's client (<c>Collage:Http</c>); a reload applies a change.</summary>
    public UpstreamHttpOptions Http { get; init; } = new();

    /// <summary>How Collage names itself in pass-through challenges (<c>publicUrl</c>, <c>trustedProxies</c>).</summary>
    public Passthrough.PublicUrlResolver PublicUrl { get; init; } = new(new Passthrough.PassthroughOptions());

    /// <summary>The configured docker <c>config.json</c> (<c>dockerConfig</c>), or null for the default location.</summary>
    public string? DockerConfig { get; init; }

    /// <summary>Client access control, or null when every client may pull every mount.</summary>
    public Access.AccessPolicy? Access { get; init; }

    /// <summary>The pull-through cache section (<c>cache</c>), or null when there is no cache.</summary>
    public CacheOptions? Cache { get; init; }

    /// <summary>
    /// How the cache treats <paramref name="upstream"/>, or null when its content is not cached: no cache section, the
    /// upstream's <c>cache.enabled</c> is false, or it is a pass-through upstream (its clients' own tokens decide who
    /// reads what, and a hit would answer without asking).
    /// </summary>
    public Caching.CachePolicy? CacheFor(Upstream upstream) =>
        Cache is null ? null : _cachePolicies.GetOrAdd(upstream.Authority, static (_, state) => state.Table.BuildCachePolicy(state.Upstream), (Table: this, Upstream: upstream));

    // Once per upstream and table, not per request: the table is immutable.
    private Caching.CachePolicy? BuildCachePolicy(Upstream upstream)
    {
        var cache = Cache!;
        var options = UpstreamOptions.GetValueOrDefault(upstream.Authority);
        if (options?.Auth == UpstreamAuthMode.Passthrough || options?.Cache?.Enabled == false)
        {
            return null;
        }

        return new Caching.CachePolicy(options?.Cache?.TagTtl ?? cache.TagTtl, options?.Cache?.StaleIfError ?? cache.StaleIfError);
    }

    /// <summary>
    /// The map a request sees; the one way to choose one. A mirror client's registry host (containerd's <c>ns</c>
    /// query parameter, <paramref name="registryHost"/>) picks the vhost of that name, with Docker Hub's names as
    /// one: <c>ns=docker.io</c> finds a vhost keyed <c>docker.io</c>, <c>index.docker.io</c> or
    /// <c>registry-1.docker.io</c>. Otherwise, or when no vhost has that name, the Host picks: a vhost key with a port
    /// matches only that port, one without a port matches any port, case is ignored, and a host no vhost matches
    /// gets the global mappings.
    /// </summary>
    /// <param name="host">The request's Host.</param>
    /// <param name="registryHost">The registry a mirror client named, or null.</param>
    /// <param name="byRegistry">Whether <paramref name="registryHost"/> chose the map (false: the Host did).</param>
    public MountMap Select(Microsoft.AspNetCore.Http.HostString host, string? registryHost, out bool byRegistry)
    {
        MountMap? named = null;
        byRegistry = registryHost is not null && TrySelectRegistry(registryHost, out named);
        if (byRegistry)
        {
            return named!;
        }

        return TryFind(host, out var map) ? map : Global;
    }

    private bool TrySelectRegistry(string registryHost, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MountMap? map)
    {
        var host = new Microsoft.AspNetCore.Http.HostString(registryHost);
        if (TryFind(host, out map))
        {
            return true;
        }

        var name = host.Host.TrimEnd('.');
        if (DockerHub.HostAliases.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            foreach (var alias in DockerHub.HostAliases)
            {
                if (TryFind(new Microsoft.AspNetCore.Http.HostString(alias), out map))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool TryFind(Microsoft.AspNetCore.Http.HostString host, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MountMap? map)
    {
        map = null;
        if (!host.HasValue)
        {
            return false;
        }

        if (host.Port is not null && _vhostsWithPort.Count > 0 && _vhostsWithPort.TryGetValue(host.Value, out map))
        {
            return true;
        }

        // A fully qualified "registry.lan." names the same host as "registry.lan" (RFC 1034 section 3.1).
        var name = host.Host.EndsWith('.') ? host.Host.TrimEnd('.') : host.Host;
        return _vhostsAnyPort.Count > 0 && _vhostsAnyPort.TryGetValue(name, out map);
    }
}
