using System.IO.Compression;
using System.Text;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Spec;

/// <summary>
/// One image written four ways, for content negotiation against a real registry: a Docker schema 2 manifest, a Docker
/// manifest list naming it, an OCI image manifest and an OCI index naming that. The Docker config has a history entry
/// per layer, so distribution 2.8 can rewrite the schema 2 manifest as a signed schema 1 one for a client that does not
/// accept schema 2 (as it does for a request without <c>Accept</c>).
/// </summary>
internal sealed class NegotiationImages
{
    public const string DockerManifestType = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerListType = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfigType = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayerType = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string Schema1SignedType = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    private NegotiationImages(byte[] layer, byte[] config, byte[] docker, byte[] oci)
    {
        Layer = layer;
        Config = config;
        Docker = docker;
        Oci = oci;
        List = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{DockerListType}}}","manifests":[{"mediaType":"{{{DockerManifestType}}}","size":{{{docker.Length}}},"digest":"{{{Sha256Digest.Of(docker)}}}","platform":{"architecture":"amd64","os":"linux"}}]}""");
        Index = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.ImageIndex}}}","manifests":[{"mediaType":"{{{OciMediaTypes.ImageManifest}}}","size":{{{oci.Length}}},"digest":"{{{Sha256Digest.Of(oci)}}}","platform":{"architecture":"amd64","os":"linux"}}]}""");
    }

    /// <summary>A gzip'ed layer.</summary>
    public byte[] Layer { get; }

    /// <summary>The image config (Docker's and OCI's are the same JSON here).</summary>
    public byte[] Config { get; }

    /// <summary>The Docker schema 2 manifest.</summary>
    public byte[] Docker { get; }

    /// <summary>The OCI image manifest.</summary>
    public byte[] Oci { get; }

    /// <summary>The Docker manifest list over <see cref="Docker"/>.</summary>
    public byte[] List { get; }

    /// <summary>The OCI index over <see cref="Oci"/>.</summary>
    public byte[] Index { get; }

    /// <summary>The tags the manifests are pushed under, with their media types and bytes.</summary>
    public IReadOnlyList<(string Tag, string MediaType, byte[] Body)> Tagged =>
    [
        ("docker2", DockerManifestType, Docker),
        ("list", DockerListType, List),
        ("oci", OciMediaTypes.ImageManifest, Oci),
        ("index", OciMediaTypes.ImageIndex, Index),
    ];

    public static NegotiationImages Create()
    {
        var tar = Encoding.UTF8.GetBytes("collage spec conformance layer");
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        var layer = gzipped.ToArray();
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["{{{Sha256Digest.Of(tar)}}}"]},"history":[{"created":"2025-01-01T00:00:00Z","created_by":"collage spec tests"}]}""");
        var docker = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{DockerManifestType}}}","config":{"mediaType":"{{{DockerConfigType}}}","size":{{{config.Length}}},"digest":"{{{Sha256Digest.Of(config)}}}"},"layers":[{"mediaType":"{{{DockerLayerType}}}","size":{{{layer.Length}}},"digest":"{{{Sha256Digest.Of(layer)}}}"}]}""");
        var oci = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"{{{OciMediaTypes.ImageManifest}}}","config":{"mediaType":"{{{OciMediaTypes.ImageConfig}}}","size":{{{config.Length}}},"digest":"{{{Sha256Digest.Of(config)}}}"},"layers":[{"mediaType":"{{{OciMediaTypes.LayerTarGzip}}}","size":{{{layer.Length}}},"digest":"{{{Sha256Digest.Of(layer)}}}"}]}""");
        return new NegotiationImages(layer, config, docker, oci);
    }
}
