using System.Text;
using System.Text.Json.Nodes;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Signatures;

/// <summary>
/// What <c>oras attach</c> pushes for a subject into a registry without the referrers API: artifact manifests with a
/// <c>subject</c> (pushed by digest), and the referrers tag <c>sha256-HEX</c> holding an OCI image index of their
/// descriptors (distribution-spec v1.1, "Referrers Tag Schema").
/// </summary>
internal static class OrasArtifacts
{
    /// <summary>The SBOM-like artifact type.</summary>
    public const string SbomType = "application/spdx+json";

    /// <summary>The signature-like artifact type.</summary>
    public const string SignatureType = "application/vnd.dev.cosign.artifact.sig.v1+json";

    /// <summary>The empty config of OCI 1.1 artifacts.</summary>
    public const string EmptyConfigType = "application/vnd.oci.empty.v1+json";

    private static readonly byte[] EmptyConfig = "{}"u8.ToArray();

    /// <summary>The referrers tag of <paramref name="subjectDigest"/>: <c>sha256-HEX</c>.</summary>
    public static string FallbackTag(string subjectDigest) => $"sha256-{Sha256Digest.Hex(subjectDigest)}";

    /// <summary>An SPDX SBOM of <paramref name="subject"/>: <c>artifactType</c> set, empty config, two annotations.</summary>
    public static OciArtifact Sbom(OciDescriptor subject) =>
        new(EmptyConfigType, EmptyConfig, [new ArtifactLayer(SbomType, Encoding.UTF8.GetBytes($$"""{"spdxVersion":"SPDX-2.3","name":"sbom of {{subject.Digest}}"}"""))])
        {
            ArtifactType = SbomType,
            Subject = subject,
            Annotations = new Dictionary<string, string>
            {
                ["org.opencontainers.image.created"] = "2024-01-01T00:00:00Z",
                ["org.example.sbom.format"] = "spdx-json",
            },
        };

    /// <summary>A signature of <paramref name="subject"/>: <c>artifactType</c> set, empty config, one annotation.</summary>
    public static OciArtifact Signature(OciDescriptor subject) =>
        new(EmptyConfigType, EmptyConfig, [SignatureLayer(subject)])
        {
            ArtifactType = SignatureType,
            Subject = subject,
            Annotations = new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2024-01-02T00:00:00Z" },
        };

    /// <summary>
    /// A signature written the older way: no <c>artifactType</c>, the type is its config's media type (the spec's
    /// rule for a referrers descriptor: the manifest's <c>artifactType</c>, else its <c>config.mediaType</c>).
    /// </summary>
    public static OciArtifact SignatureTypedByConfig(OciDescriptor subject) =>
        new(SignatureType, EmptyConfig, [SignatureLayer(subject)])
        {
            Subject = subject,
            Annotations = new Dictionary<string, string> { ["org.example.signed-by"] = "collage-e2e" },
        };

    /// <summary>The referrers tag's index over <paramref name="descriptors"/>, as oras writes it.</summary>
    public static byte[] TagIndex(IEnumerable<OciDescriptor> descriptors) => Encoding.UTF8.GetBytes(Index(descriptors).ToJsonString());

    /// <summary>The referrers answer the spec prescribes for <paramref name="descriptors"/>.</summary>
    public static JsonObject Index(IEnumerable<OciDescriptor> descriptors) => new()
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = OciMediaTypes.ImageIndex,
        ["manifests"] = new JsonArray([.. descriptors.Select(d => (JsonNode)d.ToJson())]),
    };

    private static ArtifactLayer SignatureLayer(OciDescriptor subject) => new(
        CosignArtifacts.SimpleSigning,
        Encoding.UTF8.GetBytes($$"""{"critical":{"image":{"docker-manifest-digest":"{{subject.Digest}}"},"type":"cosign container image signature"},"optional":null}"""),
        new Dictionary<string, string> { [CosignArtifacts.SignatureAnnotation] = "MEUCIQ-not-a-real-signature" });
}
