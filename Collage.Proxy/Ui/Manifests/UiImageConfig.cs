using System.Text.Json;

namespace Collage.Proxy.Ui.Manifests;

/// <summary>What the page shows of an image's config (image-spec, config.md): when it was built, for what, its labels.</summary>
internal sealed record UiImageConfig(string? Created, string? Platform, IReadOnlyList<KeyValuePair<string, string>> Labels)
{
    /// <summary>Reads <paramref name="body"/>, or null when it is not an image config.</summary>
    public static UiImageConfig? Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var labels = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object
                && config.TryGetProperty("Labels", out var l) && l.ValueKind == JsonValueKind.Object)
            {
                labels.AddRange(l.EnumerateObject()
                    .Where(p => p.Value.ValueKind == JsonValueKind.String)
                    .Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!))
                    .OrderBy(p => p.Key, StringComparer.Ordinal));
            }

            return new UiImageConfig(JsonFields.String(root, "created"), JsonFields.Platform(root), labels);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
