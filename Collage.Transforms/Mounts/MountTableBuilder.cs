using Collage.Transforms.Configuration;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Mounts;

/// <summary>
/// Builds a <see cref="MountTable"/> from <see cref="CollageOptions"/>, rejecting every configuration
/// that would serve something other than what its author meant.
/// </summary>
internal static class MountTableBuilder
{
    public static MountTable Build(CollageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var upstreams = new Dictionary<string, Upstream>(StringComparer.Ordinal);
        var global = BuildMap("global", "mappings", options.Mappings, upstreams);

        var vhosts = new Dictionary<string, MountMap>(StringComparer.OrdinalIgnoreCase);
        var vhostKeys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (rawKey, vhost) in options.Vhosts)
        {
            var configKey = $"vhosts:{rawKey}";
            var key = NormalizeVhost(configKey, rawKey);
            if (!vhostKeys.TryAdd(key, rawKey))
            {
                throw new CollageConfigException(configKey, $"the vhost is the same as 'vhosts:{vhostKeys[key]}' once normalised to '{key}'. Keep one of them.");
            }

            vhosts[key] = BuildMap(key, $"{configKey}:mappings", vhost?.Mappings ?? new Dictionary<string, MappingOptions>(), upstreams);
        }

        if (global.Mounts.Count == 0 && vhosts.Values.All(v => v.Mounts.Count == 0))
        {
            throw new CollageConfigException("mappings", "no mappings are configured, so the gateway would serve nothing. Add at least one, e.g. \"mappings\": { \"etcd\": \"quay.io/coreos/etcd\" }, or check the spelling of 'mappings' and 'vhosts'.");
        }

        var upstreamOptions = new Dictionary<string, UpstreamOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var (rawKey, upstream) in options.Upstreams)
        {
            var key = NormalizeAuthority(rawKey);
            if (!upstreams.Values.Any(u => u.Authority == key))
            {
                throw new CollageConfigException($"upstreams:{rawKey}", $"no mapping uses the upstream '{key}'. Key the upstreams section by host[:port] exactly as in the mappings (known: {string.Join(", ", upstreams.Values.Select(u => u.Authority).Distinct())}).");
            }

            if (!upstreamOptions.TryAdd(key, upstream ?? new UpstreamOptions()))
            {
                throw new CollageConfigException($"upstreams:{rawKey}", $"the upstream '{key}' is configured twice. Keep one entry.");
            }
        }

        RefusePassthroughGroups([global, .. vhosts.Values], upstreamOptions);

        return new MountTable(global, vhosts, upstreams.Values.ToArray(), upstreamOptions)
        {
            Http = options.Http,
            PublicUrl = new PublicUrlResolver(new PassthroughOptions
            {
                PublicUrl = options.PublicUrl,
                TrustedProxies = [.. options.TrustedProxies.Select(System.Net.IPAddress.Parse)],
            }),
            DockerConfig = options.DockerConfig,
            Cache = options.Cache,
            Access = options.Access is null ? null : Access.AccessPolicy.Build(options.Access),
        };
    }

    private static MountMap BuildMap(string name, string section, IReadOnlyDictionary<string, MappingOptions> mappings, Dictionary<string, Upstream> upstreams)
    {
        var mounts = new Dictionary<string, Mount>(StringComparer.Ordinal);
        foreach (var (rawKey, value) in mappings)
        {
            var configKey = $"{section}:{rawKey}";
            var prefix = rawKey.Trim().Trim('/');
            if (prefix.Length > 0 && !ReferenceGrammar.IsValidName(prefix))
            {
                throw new CollageConfigException(configKey, $"'{rawKey}' is not a valid repository-name prefix. Use lower-case components of letters and digits joined by '.', '_' or '-', separated by '/', or \"/\" for the root mount.");
            }

            var members = BuildMembers(configKey, value, upstreams);
            if (mounts.TryGetValue(prefix, out var existing))
            {
                throw new CollageConfigException(configKey, $"it mounts the same local path as '{existing.ConfigKey}' ('{(prefix.Length == 0 ? "/" : prefix)}' after removing leading and trailing slashes). Keep one of them.");
            }

            mounts.Add(prefix, new Mount(prefix, members[0].Upstream, members[0].UpstreamPrefix, configKey) { Members = members, Tags = value.Tags });
        }

        return new MountMap(name, mounts.Values);
    }

    private static List<MountMember> BuildMembers(string configKey, MappingOptions mapping, Dictionary<string, Upstream> upstreams)
    {
        if (mapping.Upstreams.Count == 0)
        {
            throw new CollageConfigException(configKey, "the mapping names no upstream. Give one such as \"quay.io/coreos/etcd\", or a list of them for a group.");
        }

        var members = new List<MountMember>();
        for (var i = 0; i < mapping.Upstreams.Count; i++)
        {
            var memberKey = mapping.Upstreams.Count == 1 ? configKey : $"{configKey}:{i}";
            var (scheme, authority, upstreamPrefix) = UpstreamSource.Parse(memberKey, mapping.Upstreams[i]);
            var id = $"{scheme}://{authority}";
            if (!upstreams.TryGetValue(id, out var upstream))
            {
                upstream = new Upstream(id, new Uri($"{id}/"), authority, DockerHub.IsDockerHub(authority));
                upstreams.Add(id, upstream);
            }

            var member = new MountMember(upstream, upstreamPrefix);
            if (members.Contains(member))
            {
                throw new CollageConfigException(memberKey, $"the group names '{mapping.Upstreams[i]}' twice. Keep one of them.");
            }

            members.Add(member);
        }

        return members;
    }

    // Pass-through clients hold a token for one upstream's realm and scope; a request that fails over would carry it
    // to another registry (never allowed) or fail there. Realms are only learnt from challenges at run time, so the
    // start-up check is the conservative one: no pass-through member in a group.
    private static void RefusePassthroughGroups(IEnumerable<MountMap> maps, IReadOnlyDictionary<string, UpstreamOptions> options)
    {
        foreach (var mount in maps.SelectMany(m => m.Mounts).Where(m => m.IsGroup))
        {
            if (mount.Members.FirstOrDefault(m => options.GetValueOrDefault(m.Upstream.Authority)?.Auth == UpstreamAuthMode.Passthrough) is { } member)
            {
                throw new CollageConfigException(mount.ConfigKey, $"the group includes the pass-through upstream '{member.Upstream.Authority}'. A client's token is for one registry and cannot follow a failover: mount a pass-through upstream on its own, or set its auth to \"gateway\".");
            }
        }
    }

    private static string NormalizeVhost(string configKey, string rawKey)
    {
        var key = rawKey.Trim().TrimEnd('.').ToLowerInvariant();
        var host = new HostString(key);
        var name = host.Host.Trim('[', ']');
        if (key.Length == 0 || key.Contains('/') || Uri.CheckHostName(name) == UriHostNameType.Unknown
            || (key.Contains(':') && host.Port is null && Uri.CheckHostName(name) != UriHostNameType.IPv6)
            || host.Port is 0 or > 65535)
        {
            throw new CollageConfigException(configKey, $"'{rawKey}' is not a host name. Key a vhost by host (any port) or host:port, e.g. \"registry.local.lan\" or \"127.0.0.2:5000\".");
        }

        return key;
    }

    private static string NormalizeAuthority(string rawKey)
    {
        var key = rawKey.Trim().ToLowerInvariant();
        var host = new HostString(key);
        var normalized = DockerHub.NormalizeHost(host.Host);
        return host.Port is { } port ? $"{normalized}:{port}" : normalized;
    }
}
