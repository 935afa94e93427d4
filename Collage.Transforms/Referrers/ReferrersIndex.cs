using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Collage.Transforms.Referrers;

/// <summary>
/// The referrers response (distribution spec 1.1, "Listing Referrers"): an OCI image index whose <c>manifests</c> are
/// the descriptors of the manifests that name the subject, each with its <c>artifactType</c> and annotations. Reads
/// an index (an upstream's answer or the fallback tag's), filters it by artifact type and writes it.
/// </summary>
internal static class ReferrersIndex
{
    /// <summary>The media type of every referrers response.</summary>
    public const string MediaType = "application/vnd.oci.image.index.v1+json";

    /// <summary>The response header that says a filter was applied, and its value for <c>artifactType</c>.</summary>
    public const string FiltersAppliedHeader = "OCI-Filters-Applied";

    /// <inheritdoc cref="FiltersAppliedHeader"/>
    public const string ArtifactTypeFilter = "artifactType";

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    // Media types hold '+': the default encoder would write it as \u002B, which is valid JSON but not the bytes a
    // registry writes. The body is JSON for registry clients, never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The descriptors of the index in <paramref name="body"/>, or false when it is not an image index (not JSON, no
    /// <c>manifests</c> array, or a <c>mediaType</c> other than the OCI index's, such as a Docker manifest list, whose
    /// entries are platform images, not referrers). Entries that are not objects with a string <c>digest</c> are dropped.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> body, out List<JsonObject> descriptors)
    {
        descriptors = [];
        if (Parse(body) is not JsonObject root || root["manifests"] is not JsonArray manifests)
        {
            return false;
        }

        // The index's mediaType is optional (image spec 1.1 says SHOULD); when present it must be the OCI index's.
        if (root["mediaType"] is { } mediaType
            && !(mediaType is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() == MediaType))
        {
            return false;
        }

        foreach (var entry in manifests)
        {
            if (entry is JsonObject descriptor && descriptor["digest"] is JsonValue digest && digest.GetValueKind() == JsonValueKind.String)
            {
                descriptors.Add(descriptor);
            }
        }

        return true;
    }

    /// <summary>The descriptor's <c>artifactType</c>, or null when it has none.</summary>
    public static string? ArtifactTypeOf(JsonObject descriptor) =>
        descriptor["artifactType"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>The descriptors whose <c>artifactType</c> is <paramref name="artifactType"/> (compared exactly).</summary>
    public static List<JsonObject> Filter(List<JsonObject> descriptors, string artifactType) =>
        descriptors.Where(d => string.Equals(ArtifactTypeOf(d), artifactType, StringComparison.Ordinal)).ToList();

    /// <summary>An image index holding <paramref name="descriptors"/>, in their order.</summary>
    public static byte[] Write(IEnumerable<JsonObject> descriptors)
    {
        var manifests = new JsonArray();
        foreach (var descriptor in descriptors)
        {
            // A node has one parent: the descriptor leaves the array it was read from.
            descriptor.Parent?.AsArray().Remove(descriptor);
            manifests.Add(descriptor);
        }

        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaType,
            ["manifests"] = manifests,
        };
        return Serialize(index);
    }

    /// <summary>
    /// An upstream's referrers page filtered by <paramref name="artifactType"/>, every other field of the page kept;
    /// false when the page is not an image index (then it passes unfiltered and the client filters).
    /// </summary>
    public static bool TryFilter(ReadOnlySpan<byte> body, string artifactType, out byte[] filtered)
    {
        filtered = [];
        if (Parse(body) is not JsonObject root || root["manifests"] is not JsonArray manifests)
        {
            return false;
        }

        for (var i = manifests.Count - 1; i >= 0; i--)
        {
            if (manifests[i] is not JsonObject descriptor || !string.Equals(ArtifactTypeOf(descriptor), artifactType, StringComparison.Ordinal))
            {
                manifests.RemoveAt(i);
            }
        }

        filtered = Serialize(root);
        return true;
    }

    private static byte[] Serialize(JsonObject document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            document.WriteTo(writer);
        }

        return buffer.ToArray();
    }

    private static JsonNode? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
            return JsonNode.Parse(ref reader, NodeOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
