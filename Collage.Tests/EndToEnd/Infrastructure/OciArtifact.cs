using System.Text;
using System.Text.Json.Nodes;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// An OCI image manifest that carries an artifact (a cosign signature, an SBOM, ...): a config blob, layers of any
/// media type, and optionally <c>artifactType</c>, a <c>subject</c> and manifest annotations. Pushed with
/// <see cref="RegistryPusher.PushArtifactAsync"/>.
/// </summary>
/// <param name="ConfigMediaType">The config descriptor's media type.</param>
/// <param name="Config">The config blob bytes.</param>
/// <param name="Layers">The layers, in order.</param>
internal sealed record OciArtifact(string ConfigMediaType, byte[] Config, IReadOnlyList<ArtifactLayer> Layers)
{
    /// <summary>The manifest's <c>artifactType</c>, left out when null.</summary>
    public string? ArtifactType { get; init; }

    /// <summary>The manifest's <c>subject</c>, left out when null.</summary>
    public OciDescriptor? Subject { get; init; }

    /// <summary>The manifest's <c>annotations</c>, left out when null.</summary>
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>The blobs the manifest references: config first, then the layers.</summary>
    public IReadOnlyList<byte[]> Blobs => [Config, .. Layers.Select(l => l.Content)];

    /// <summary>The exact manifest bytes (compact JSON, fields in the order oras and cosign write them).</summary>
    public byte[] ManifestBytes()
    {
        var manifest = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = OciMediaTypes.ImageManifest };
        if (ArtifactType is not null)
        {
            manifest["artifactType"] = ArtifactType;
        }

        manifest["config"] = new OciDescriptor(ConfigMediaType, Sha256Digest.Of(Config), Config.Length).ToJson();
        manifest["layers"] = new JsonArray([.. Layers.Select(l => (JsonNode)new OciDescriptor(l.MediaType, Sha256Digest.Of(l.Content), l.Content.Length, Annotations: l.Annotations).ToJson())]);
        if (Subject is not null)
        {
            manifest["subject"] = Subject.ToJson();
        }

        if (Annotations is not null)
        {
            manifest["annotations"] = AnnotationsJson(Annotations);
        }

        return Encoding.UTF8.GetBytes(manifest.ToJsonString());
    }

    /// <summary>Annotations as a JSON object, in the dictionary's order.</summary>
    internal static JsonObject AnnotationsJson(IReadOnlyDictionary<string, string> annotations)
    {
        var json = new JsonObject();
        foreach (var (key, value) in annotations)
        {
            json[key] = value;
        }

        return json;
    }
}
