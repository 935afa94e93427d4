using System.Text.Json;
using System.Text.Json.Nodes;

namespace Collage.Transforms.Referrers;

/// <summary>
/// What a descriptor in the referrers response takes from the manifest it points at (distribution spec 1.1,
/// "Listing Referrers"): the manifest's <c>artifactType</c>, else its config's media type, and its annotations.
/// </summary>
internal static class ReferringManifest
{
    /// <summary>
    /// Sets <paramref name="descriptor"/>'s <c>artifactType</c> and <c>annotations</c> from the manifest in
    /// <paramref name="manifest"/>; false when that is not a manifest with either.
    /// </summary>
    public static bool TryDescribe(ReadOnlySpan<byte> manifest, JsonObject descriptor)
    {
        JsonNode? root;
        try
        {
            var reader = new Utf8JsonReader(manifest, new JsonReaderOptions { MaxDepth = 32 });
            root = JsonNode.Parse(ref reader);
        }
        catch (JsonException)
        {
            return false;
        }

        if (root is not JsonObject document)
        {
            return false;
        }

        var artifactType = StringOf(document["artifactType"]) ?? (document["config"] is JsonObject config ? StringOf(config["mediaType"]) : null);
        if (artifactType is null)
        {
            return false;
        }

        descriptor["artifactType"] = artifactType;
        if (document["annotations"] is JsonObject annotations && descriptor["annotations"] is null)
        {
            descriptor["annotations"] = annotations.DeepClone();
        }

        return true;
    }

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text ? text : null;
}
