using System.Text.Json;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>A manifest as the registry served it.</summary>
/// <param name="Digest">Its <c>Docker-Content-Digest</c>.</param>
/// <param name="MediaType">Its <c>Content-Type</c>.</param>
/// <param name="Json">Its body.</param>
internal sealed record UpstreamManifest(string Digest, string MediaType, JsonElement Json)
{
    /// <summary>The layers of an image manifest: digest, size and media type, bottom first.</summary>
    public IReadOnlyList<(string Digest, long Size, string MediaType)> Layers =>
        [.. Json.GetProperty("layers").EnumerateArray().Select(l => (l.GetProperty("digest").GetString()!, l.GetProperty("size").GetInt64(), l.GetProperty("mediaType").GetString()!))];

    /// <summary>An image manifest's exact size: its config's plus its layers'.</summary>
    public long TotalSize => Json.GetProperty("config").GetProperty("size").GetInt64() + Layers.Sum(l => l.Size);
}
