using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Transforms.Passthrough;

/// <summary>The Bearer challenges Collage sends for pass-through upstreams (RFC 6750 section 3; token spec).</summary>
internal static class PassthroughChallenge
{
    /// <summary>Whether <paramref name="upstream"/> is configured with <c>auth: passthrough</c>.</summary>
    public static bool IsPassthrough(MountTable table, Upstream upstream) =>
        table.UpstreamOptions.GetValueOrDefault(upstream.Authority)?.Auth == UpstreamAuthMode.Passthrough;

    /// <summary>Whether every mount of <paramref name="map"/> is pass-through (and there is at least one).</summary>
    public static bool IsAllPassthrough(MountTable table, MountMap map) =>
        map.Mounts.Count > 0 && map.Mounts.All(m => IsPassthrough(table, m.Upstream));

    /// <summary>
    /// <c>Bearer realm="...",service="..."[,scope="..."]</c>. The values are URLs, host names and repository names,
    /// none of which may hold a quote or backslash, so no quoted-pair escaping is needed.
    /// </summary>
    public static string Bearer(string realm, string service, string? scope) =>
        scope is null
            ? $"Bearer realm=\"{realm}\",service=\"{service}\""
            : $"Bearer realm=\"{realm}\",service=\"{service}\",scope=\"{scope}\"";
}
