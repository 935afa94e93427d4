using System.Text;
using System.Text.Json.Nodes;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Signatures;

/// <summary>
/// What cosign pushes next to an image <c>sha256:HEX</c> in a registry without the referrers API: OCI image manifests
/// tagged <c>sha256-HEX.sig</c> (a simple-signing payload with the signature in a layer annotation), <c>.att</c> (a
/// DSSE envelope) and <c>.sbom</c> (an SPDX document), each with a config blob whose <c>diff_ids</c> name the layer.
/// The signatures are not real ones: nothing here verifies them, the bytes only have to travel unchanged.
/// </summary>
internal static class CosignArtifacts
{
    /// <summary>The layer media type of a cosign signature.</summary>
    public const string SimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json";

    /// <summary>The layer media type of a cosign attestation.</summary>
    public const string DsseEnvelope = "application/vnd.dsse.envelope.v1+json";

    /// <summary>The layer media type of an SPDX SBOM attached with <c>cosign attach sbom</c>.</summary>
    public const string SpdxJson = "text/spdx+json";

    /// <summary>The layer annotation holding the base64 signature.</summary>
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>The tag cosign gives an artifact of <paramref name="subjectDigest"/>: <c>sha256-HEX.SUFFIX</c>.</summary>
    public static string Tag(string subjectDigest, string suffix) => $"sha256-{Sha256Digest.Hex(subjectDigest)}.{suffix}";

    /// <summary>A signature of <paramref name="reference"/> (<c>host/name</c>) at <paramref name="subjectDigest"/>.</summary>
    public static OciArtifact Signature(string reference, string subjectDigest)
    {
        var payload = Utf8(new JsonObject
        {
            ["critical"] = new JsonObject
            {
                ["identity"] = new JsonObject { ["docker-reference"] = reference },
                ["image"] = new JsonObject { ["docker-manifest-digest"] = subjectDigest },
                ["type"] = "cosign container image signature",
            },
            ["optional"] = null,
        });
        var signature = Convert.ToBase64String(Encoding.UTF8.GetBytes("MEUCIQ-not-a-real-signature-of-" + subjectDigest));
        return Artifact(new ArtifactLayer(SimpleSigning, payload, new Dictionary<string, string> { [SignatureAnnotation] = signature }));
    }

    /// <summary>An in-toto attestation (SLSA provenance) of <paramref name="subjectDigest"/> in a DSSE envelope.</summary>
    public static OciArtifact Attestation(string reference, string subjectDigest)
    {
        var statement = Utf8(new JsonObject
        {
            ["_type"] = "https://in-toto.io/Statement/v0.1",
            ["predicateType"] = "https://slsa.dev/provenance/v0.2",
            ["subject"] = new JsonArray(new JsonObject
            {
                ["name"] = reference,
                ["digest"] = new JsonObject { ["sha256"] = Sha256Digest.Hex(subjectDigest) },
            }),
            ["predicate"] = new JsonObject { ["builder"] = new JsonObject { ["id"] = "https://collage.test/builder" } },
        });
        var envelope = Utf8(new JsonObject
        {
            ["payloadType"] = "application/vnd.in-toto+json",
            ["payload"] = Convert.ToBase64String(statement),
            ["signatures"] = new JsonArray(new JsonObject { ["keyid"] = string.Empty, ["sig"] = "MEQCIF-not-a-real-signature" }),
        });
        return Artifact(new ArtifactLayer(DsseEnvelope, envelope, new Dictionary<string, string>
        {
            [SignatureAnnotation] = string.Empty,
            ["predicateType"] = "https://slsa.dev/provenance/v0.2",
        }));
    }

    /// <summary>An SPDX SBOM of the image.</summary>
    public static OciArtifact Sbom(string reference)
    {
        var document = Utf8(new JsonObject
        {
            ["spdxVersion"] = "SPDX-2.3",
            ["dataLicense"] = "CC0-1.0",
            ["SPDXID"] = "SPDXRef-DOCUMENT",
            ["name"] = reference,
            ["packages"] = new JsonArray(new JsonObject { ["name"] = "busybox", ["SPDXID"] = "SPDXRef-Package-busybox", ["versionInfo"] = "1.36.1" }),
        });
        return Artifact(new ArtifactLayer(SpdxJson, document));
    }

    // cosign's config: an empty image config whose rootfs names the one layer.
    private static OciArtifact Artifact(ArtifactLayer layer)
    {
        var config = Utf8(new JsonObject
        {
            ["architecture"] = string.Empty,
            ["created"] = "0001-01-01T00:00:00Z",
            ["history"] = new JsonArray(new JsonObject { ["created"] = "0001-01-01T00:00:00Z" }),
            ["os"] = string.Empty,
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(Sha256Digest.Of(layer.Content)) },
            ["config"] = new JsonObject(),
        });
        return new OciArtifact(OciMediaTypes.ImageConfig, config, [layer]);
    }

    private static byte[] Utf8(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());
}
