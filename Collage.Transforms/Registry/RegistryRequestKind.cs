namespace Collage.Transforms.Registry;

/// <summary>The distribution-spec endpoints Collage serves (OCI distribution spec 1.1, "Endpoints").</summary>
public enum RegistryRequestKind
{
    /// <summary>Not a registry endpoint Collage knows.</summary>
    Unknown,

    /// <summary><c>/v2/</c> (end-1).</summary>
    Base,

    /// <summary><c>/v2/_catalog</c>.</summary>
    Catalog,

    /// <summary><c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c> (end-3).</summary>
    Manifest,

    /// <summary><c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c> (end-2).</summary>
    Blob,

    /// <summary><c>/v2/&lt;name&gt;/tags/list</c> (end-8a).</summary>
    Tags,

    /// <summary><c>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</c> (end-12a).</summary>
    Referrers,

    /// <summary><c>/v2/token</c>: Collage's own token endpoint for pass-through upstreams, not a spec endpoint.</summary>
    Token,
}
