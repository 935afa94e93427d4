using Collage.Transforms.Authentication;
using Collage.Transforms.Registry;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// What an upstream request is for, decided by whoever made it (the front door for a forwarded request, the catalog,
/// the prober, the token relay) and carried on the <see cref="HttpRequestMessage"/> into the handler chain: the
/// latency handler labels its measurement with <see cref="Kind"/>, the token handler asks for <see cref="Scope"/>.
/// No handler reads an upstream path to guess either.
/// </summary>
/// <param name="Kind">The registry endpoint.</param>
/// <param name="Repository">The repository in the upstream's names, for repository endpoints.</param>
internal sealed record UpstreamCall(RegistryRequestKind Kind, string? Repository = null)
{
    /// <summary>An upstream's <c>/v2/</c>: probes and realm discovery.</summary>
    public static readonly UpstreamCall Base = new(RegistryRequestKind.Base);

    /// <summary>An upstream's <c>/v2/_catalog</c>.</summary>
    public static readonly UpstreamCall Catalog = new(RegistryRequestKind.Catalog);

    private static readonly HttpRequestOptionsKey<UpstreamCall> Key = new("Collage.UpstreamCall");

    /// <summary>
    /// For a request to an upstream group, its route: the members it may go to and where the answer came from. Null
    /// for a plain mount.
    /// </summary>
    public Groups.GroupRoute? Group { get; init; }

    /// <summary>
    /// The call of a request for <paramref name="feature"/>'s repository (<paramref name="kind"/> defaults to the
    /// request's own endpoint), in the current member's names, with the group's route when the mount is a group.
    /// </summary>
    public static UpstreamCall For(RegistryRequestFeature feature, RegistryRequestKind? kind = null)
    {
        var resolution = feature.Resolved;
        return new UpstreamCall(kind ?? feature.ResolvedRequest.Kind, resolution.UpstreamName)
        {
            Group = resolution.Mount.IsGroup ? new Groups.GroupRoute(feature) : null,
        };
    }

    /// <summary>
    /// The token scope a read of this endpoint needs (distribution token spec, "Requesting a Token"; resource scope
    /// grammar in the scope spec): <c>repository:NAME:pull</c>, <c>registry:catalog:*</c>, or null where only the
    /// upstream's challenge can tell (<c>/v2/</c>).
    /// </summary>
    public string? Scope => Kind == RegistryRequestKind.Catalog ? RegistryScope.Catalog
        : Repository is null ? null
        : $"repository:{Repository}:pull";

    /// <summary>What <paramref name="request"/> is for, when its maker said.</summary>
    public static UpstreamCall? Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var call) ? call : null;

    /// <summary>Marks <paramref name="request"/> with this call and returns it.</summary>
    public HttpRequestMessage On(HttpRequestMessage request)
    {
        request.Options.Set(Key, this);
        return request;
    }
}
