using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Collage.Tests.Functional.Caching;

namespace Collage.Tests.Functional.Referrers;

/// <summary>
/// A manifest as a registry stores it, with what a referrers descriptor says of it: its media type, exact bytes,
/// <c>artifactType</c> and annotations. Built as oras and cosign write them: an OCI image manifest with a
/// <c>subject</c>, an empty or typed config, and the artifact type in <c>artifactType</c> or only in the config.
/// </summary>
internal sealed record Artifact(string MediaType, byte[] Body, string? ArtifactType, IReadOnlyDictionary<string, string>? Annotations)
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string EmptyConfig = "application/vnd.oci.empty.v1+json";
    private const string EmptyDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

    // As registries and clients write JSON: a '+' in a media type stays a '+'.
    private static readonly JsonSerializerOptions Written = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Digest => FakeOciRegistry.DigestOf(Body);

    /// <summary>The referrers tag (<c>sha256-&lt;hex&gt;</c>) of this manifest as a subject.</summary>
    public string FallbackTag => Digest.Replace(':', '-');

    /// <summary>A plain image manifest (a subject); different per <paramref name="seed"/>.</summary>
    public static Artifact Image(int seed) =>
        new(ImageManifest, FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([(byte)seed]), FakeOciRegistry.DigestOf([(byte)seed, 1])), null, null);

    /// <summary>
    /// An artifact manifest referring to <paramref name="subject"/>: <paramref name="artifactType"/> in the manifest's
    /// own field when given, the config's media type <paramref name="configMediaType"/> (the empty config by default).
    /// </summary>
    public static Artifact Referrer(Artifact subject, string? artifactType, string configMediaType = EmptyConfig, IReadOnlyDictionary<string, string>? annotations = null, int seed = 0)
    {
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = ImageManifest,
        };
        if (artifactType is not null)
        {
            manifest["artifactType"] = artifactType;
        }

        manifest["config"] = new JsonObject { ["mediaType"] = configMediaType, ["digest"] = EmptyDigest, ["size"] = 2 };
        manifest["layers"] = new JsonArray(new JsonObject
        {
            ["mediaType"] = "application/vnd.example.payload",
            ["digest"] = FakeOciRegistry.DigestOf([(byte)seed, 2, 3]),
            ["size"] = 3,
        });
        manifest["subject"] = new JsonObject { ["mediaType"] = subject.MediaType, ["digest"] = subject.Digest, ["size"] = subject.Body.Length };
        if (annotations is not null)
        {
            manifest["annotations"] = ToJson(annotations);
        }

        return new Artifact(ImageManifest, Encoding.UTF8.GetBytes(manifest.ToJsonString(Written)), artifactType ?? configMediaType, annotations);
    }

    /// <summary>An OCI image index holding <paramref name="descriptors"/>, as the referrers API and the fallback tag carry.</summary>
    public static byte[] Index(params JsonObject[] descriptors) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["schemaVersion"] = 2,
        ["mediaType"] = ImageIndex,
        ["manifests"] = new JsonArray([.. descriptors]),
    }.ToJsonString(Written));

    /// <summary>
    /// This manifest's descriptor as a referrers list carries it: media type, digest, size, and its artifact type and
    /// annotations unless left out (as a fallback index written by an older client may).
    /// </summary>
    public JsonObject Descriptor(bool withArtifactType = true, bool withAnnotations = true)
    {
        var descriptor = new JsonObject { ["mediaType"] = MediaType, ["digest"] = Digest, ["size"] = Body.Length };
        if (withArtifactType && ArtifactType is not null)
        {
            descriptor["artifactType"] = ArtifactType;
        }

        if (withAnnotations && Annotations is not null)
        {
            descriptor["annotations"] = ToJson(Annotations);
        }

        return descriptor;
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> annotations)
    {
        var json = new JsonObject();
        foreach (var (key, value) in annotations)
        {
            json[key] = value;
        }

        return json;
    }
}
