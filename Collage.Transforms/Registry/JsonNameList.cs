using System.Text.Json;

namespace Collage.Transforms.Registry;

/// <summary>
/// Reads the string array of a listing body: <c>{"tags": [...]}</c> of <c>tags/list</c> (distribution spec, "Listing
/// Tags") and <c>{"repositories": [...]}</c> of <c>_catalog</c>. A missing or null array is an empty list (distribution
/// answers <c>"tags": null</c> for a repository without tags); entries that are not strings are skipped.
/// </summary>
internal static class JsonNameList
{
    /// <summary>
    /// Adds the strings of <paramref name="property"/> to <paramref name="names"/>; false when the body is not a JSON
    /// object (the upstream sent something else, and its answer is not a listing).
    /// </summary>
    public static bool TryRead(byte[] body, string property, List<string> names)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (document.RootElement.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in array.EnumerateArray())
                {
                    if (entry.ValueKind == JsonValueKind.String)
                    {
                        names.Add(entry.GetString()!);
                    }
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes a listing body: <c>{"name": NAME, PROPERTY: [...]}</c>, or without <c>name</c> when it is null (the
    /// catalog). An empty list is <c>[]</c>, never <c>null</c>, as the spec's examples show.
    /// </summary>
    public static byte[] Write(string? name, string property, IReadOnlyList<string> names)
    {
        using var buffer = new MemoryStream(64 + names.Count * 16);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (name is not null)
            {
                json.WriteString("name", name);
            }

            json.WriteStartArray(property);
            foreach (var entry in names)
            {
                json.WriteStringValue(entry);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
