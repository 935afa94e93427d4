namespace Collage.Transforms.Access;

/// <summary>What a grant allows on a repository.</summary>
[Flags]
internal enum AccessAction
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Manifests, blobs, tags and referrers.</summary>
    Pull = 1,

    /// <summary>Being listed in <c>_catalog</c>.</summary>
    Catalog = 2,
}
