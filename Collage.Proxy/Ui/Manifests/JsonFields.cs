using System.Text.Json;

namespace Collage.Proxy.Ui.Manifests;

/// <summary>The fields the page reads of manifests and configs, read leniently: a field of the wrong type is absent.</summary>
internal static class JsonFields
{
    /// <summary>The string <paramref name="property"/> of <paramref name="element"/>, or null.</summary>
    public static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>
    /// <c>os/architecture[/variant]</c> of an index entry's <c>platform</c> or of an image config (image-spec, config.md),
    /// or null when neither is set.
    /// </summary>
    public static string? Platform(JsonElement element)
    {
        var platform = string.Join('/', new[] { String(element, "os"), String(element, "architecture"), String(element, "variant") }.Where(s => !string.IsNullOrEmpty(s)));
        return platform.Length == 0 ? null : platform;
    }
}
