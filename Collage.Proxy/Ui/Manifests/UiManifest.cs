using System.Text.Json;
using Collage.Transforms.Registry;

namespace Collage.Proxy.Ui.Manifests;

/// <summary>
/// A manifest as the page reads it: an image manifest (config and layers) or an index (its manifests, each with its
/// platform), in OCI or Docker schema 2 spelling. Only what is shown is read; a field of the wrong type is left out.
/// </summary>
internal sealed record UiManifest(string MediaType, bool IsIndex, UiDescriptor? Config, IReadOnlyList<UiDescriptor> Entries, string? ArtifactType)
{
    /// <summary>What the page asks <c>/v2/</c> for, every manifest kind a pull accepts.</summary>
    public const string Accept =
        "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
        + "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>Config and layers of an image manifest: what a pull of it transfers.</summary>
    public long ImageSize => (Config?.Size ?? 0) + (IsIndex ? 0 : Entries.Sum(e => e.Size));

    /// <summary>Reads <paramref name="body"/>, or null when it is not a JSON object with a known shape.</summary>
    public static UiManifest? Parse(byte[] body, string? contentType)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var mediaType = JsonFields.String(root, "mediaType") ?? contentType ?? "application/octet-stream";
            if (root.TryGetProperty("manifests", out var manifests) && manifests.ValueKind == JsonValueKind.Array)
            {
                return new UiManifest(mediaType, true, null, Descriptors(manifests), JsonFields.String(root, "artifactType"));
            }

            var config = root.TryGetProperty("config", out var c) ? Descriptor(c) : null;
            var layers = root.TryGetProperty("layers", out var l) && l.ValueKind == JsonValueKind.Array ? Descriptors(l) : [];
            return new UiManifest(mediaType, false, config, layers, JsonFields.String(root, "artifactType") ?? config?.MediaType);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A referrers answer's descriptors (an image index).</summary>
    public static IReadOnlyList<UiDescriptor> ParseReferrers(byte[] body) =>
        Parse(body, null) is { IsIndex: true } index ? index.Entries : [];

    private static List<UiDescriptor> Descriptors(JsonElement array) =>
        array.EnumerateArray().Select(Descriptor).OfType<UiDescriptor>().ToList();

    private static UiDescriptor? Descriptor(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object
            || JsonFields.String(element, "digest") is not { } digest || !ReferenceGrammar.IsValidDigest(digest)
            || !element.TryGetProperty("size", out var size) || size.ValueKind != JsonValueKind.Number
            || !size.TryGetInt64(out var bytes) || bytes < 0)
        {
            return null;
        }

        var platform = element.TryGetProperty("platform", out var p) ? JsonFields.Platform(p) : null;

        return new UiDescriptor(JsonFields.String(element, "mediaType") ?? "application/octet-stream", digest, bytes, platform, JsonFields.String(element, "artifactType"));
    }
}
