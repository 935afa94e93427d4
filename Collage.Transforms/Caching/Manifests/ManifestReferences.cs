using System.Text.Json;
using Collage.Transforms.Caching.Storage;

namespace Collage.Transforms.Caching.Manifests;

/// <summary>
/// The digests a manifest names: its config and layers (image manifest), its manifests (index, Docker list), its blobs
/// (artifact manifest) and its subject. The repository that served the manifest may read each of them from the cache
/// (the rule: content an upstream listed for a repository is that repository's).
/// </summary>
internal static class ManifestReferences
{
    /// <summary>The sha256 hex of every descriptor in <paramref name="manifest"/>; none when it is not JSON.</summary>
    public static List<string> Collect(ReadOnlyMemory<byte> manifest)
    {
        var digests = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(manifest);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return digests;
            }

            AddDescriptor(root, "config", digests);
            AddDescriptor(root, "subject", digests);
            foreach (var list in (string[])["layers", "manifests", "blobs"])
            {
                if (root.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in items.EnumerateArray())
                    {
                        Add(item, digests);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a schema 1 signed manifest is, but names blobs as blobSum): nothing to grant.
        }

        return digests;
    }

    private static void AddDescriptor(JsonElement root, string name, List<string> digests)
    {
        if (root.TryGetProperty(name, out var descriptor))
        {
            Add(descriptor, digests);
        }
    }

    private static void Add(JsonElement descriptor, List<string> digests)
    {
        if (descriptor.ValueKind == JsonValueKind.Object
            && descriptor.TryGetProperty("digest", out var digest)
            && digest.ValueKind == JsonValueKind.String
            && ContentDigest.TryGetSha256(digest.GetString(), out var hex))
        {
            digests.Add(hex);
        }
    }
}
