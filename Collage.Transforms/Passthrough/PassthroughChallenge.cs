using Collage.Transforms.Configuration;
using Collage.Transforms.Mirroring;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;

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
    /// Collage's challenge for a request the front door decided on: the realm is Collage's token endpoint with the
    /// mirror client's <c>ns</c>, so the token request selects the same vhost as the request that was refused (a
    /// realm without it would resolve the scopes in the Host's map, which may not mount the name at all).
    /// </summary>
    public static string Bearer(HttpContext context, RegistryRequestFeature feature, string? scope) =>
        Bearer(MirrorNamespace.AddToUri(feature.Table.PublicUrl.Realm(context), feature.MirrorRegistry), feature.Table.PublicUrl.Service(context), scope);

    /// <summary>
    /// <c>Bearer realm="...",service="..."[,scope="..."]</c>. The values are URLs, host names and repository names,
    /// none of which may hold a quote or backslash, so no quoted-pair escaping is needed.
    /// </summary>
    public static string Bearer(string realm, string service, string? scope) =>
        scope is null
            ? $"Bearer realm=\"{realm}\",service=\"{service}\""
            : $"Bearer realm=\"{realm}\",service=\"{service}\",scope=\"{scope}\"";
}
