using Collage.Transforms.Mounts;

namespace Collage.Transforms.Passthrough;

/// <summary>The pass-through upstreams a token request is about, with the upstream scopes each needs.</summary>
internal static class UpstreamScopes
{
    /// <summary>
    /// Maps every <c>repository:LOCAL:ACTIONS</c> scope (token spec, "Resource Scope") to the pass-through upstream
    /// its mount names and <c>repository:UPSTREAM:pull</c> there: Collage is read-only, so only pull is ever asked.
    /// Scopes of other types, of unmounted names and of gateway upstreams are dropped: Collage serves those itself.
    /// </summary>
    public static Dictionary<Upstream, List<string>> Map(MountTable table, MountMap map, IEnumerable<string> scopes)
    {
        var result = new Dictionary<Upstream, List<string>>();
        foreach (var scope in scopes)
        {
            var first = scope.IndexOf(':');
            var last = scope.LastIndexOf(':');
            if (first <= 0 || last <= first || !string.Equals(scope[..first], "repository", StringComparison.Ordinal))
            {
                continue;
            }

            var name = scope[(first + 1)..last];
            if (!Registry.ReferenceGrammar.IsValidName(name) || map.Resolve(name) is not { } resolution
                || !PassthroughChallenge.IsPassthrough(table, resolution.Upstream))
            {
                continue;
            }

            if (!result.TryGetValue(resolution.Upstream, out var list))
            {
                result[resolution.Upstream] = list = [];
            }

            var upstreamScope = $"repository:{resolution.UpstreamName}:pull";
            if (!list.Contains(upstreamScope))
            {
                list.Add(upstreamScope);
            }
        }

        return result;
    }
}
