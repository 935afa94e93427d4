namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>OCI image-spec media types used by <see cref="OciImageLayout"/>.</summary>
internal static class OciMediaTypes
{
    /// <summary>An image manifest.</summary>
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary>An image index (multi-platform list).</summary>
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";

    /// <summary>An image config.</summary>
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";

    /// <summary>A gzip'ed tar layer.</summary>
    public const string LayerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
}
