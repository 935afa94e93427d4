using System.Text.Json;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>The parts of <c>skopeo inspect</c> output that tests compare.</summary>
/// <param name="Digest">The manifest digest skopeo reports.</param>
/// <param name="Architecture">The image architecture.</param>
/// <param name="Os">The image OS.</param>
/// <param name="Layers">The layer digests.</param>
/// <param name="RepoTags">The repository's tags (empty with <c>--no-tags</c>).</param>
internal sealed record SkopeoInspection(string Digest, string Architecture, string Os, IReadOnlyList<string> Layers, IReadOnlyList<string> RepoTags)
{
    /// <summary>Parses skopeo's JSON.</summary>
    public static SkopeoInspection Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new SkopeoInspection(
            root.GetProperty("Digest").GetString() ?? string.Empty,
            root.TryGetProperty("Architecture", out var arch) ? arch.GetString() ?? string.Empty : string.Empty,
            root.TryGetProperty("Os", out var os) ? os.GetString() ?? string.Empty : string.Empty,
            Strings(root, "Layers"),
            Strings(root, "RepoTags"));
    }

    /// <summary>Reads a string array property, empty when missing or null.</summary>
    internal static IReadOnlyList<string> Strings(JsonElement root, string name)
        => root.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? [.. array.EnumerateArray().Select(e => e.GetString() ?? string.Empty)]
            : [];
}
