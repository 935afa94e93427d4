namespace Collage.Transforms.Registry;

/// <summary>A parsed registry API request, in local names.</summary>
/// <param name="Kind">The endpoint.</param>
/// <param name="Name">The local repository name; empty for <c>/v2/</c> and <c>_catalog</c>.</param>
/// <param name="Reference">The tag or digest for manifests, the digest for blobs and referrers.</param>
internal sealed record RegistryRequest(RegistryRequestKind Kind, string Name, string? Reference)
{
    public static readonly RegistryRequest BaseRequest = new(RegistryRequestKind.Base, string.Empty, null);
    public static readonly RegistryRequest CatalogRequest = new(RegistryRequestKind.Catalog, string.Empty, null);

    /// <summary>The path of the same endpoint for another repository name (the upstream one).</summary>
    public string PathFor(string name) => Kind switch
    {
        RegistryRequestKind.Manifest => $"/v2/{name}/manifests/{Reference}",
        RegistryRequestKind.Blob => $"/v2/{name}/blobs/{Reference}",
        RegistryRequestKind.Tags => $"/v2/{name}/tags/list",
        RegistryRequestKind.Referrers => $"/v2/{name}/referrers/{Reference}",
        RegistryRequestKind.Catalog => "/v2/_catalog",
        _ => "/v2/",
    };
}
