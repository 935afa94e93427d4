using System.Net.Http.Headers;
using System.Text.Json;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>
/// What the registry itself says, read from its <c>/v2/</c> API (not from the fixture's layout), to compare the web
/// page with: catalog, tags, manifests and the sizes computed from them.
/// </summary>
internal sealed class UpstreamTruth : IDisposable
{
    private const string ManifestAccept =
        $"{OciMediaTypes.ImageIndex}, {OciMediaTypes.ImageManifest}, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

    private readonly HttpClient _client;

    public UpstreamTruth(DistributionRegistry registry) => _client = registry.CreateHttpClient();

    /// <summary>Every repository in the registry's <c>/v2/_catalog</c>.</summary>
    public async Task<IReadOnlyList<string>> CatalogAsync()
    {
        using var document = await GetJsonAsync("v2/_catalog?n=1000");
        return [.. document.RootElement.GetProperty("repositories").EnumerateArray().Select(r => r.GetString()!)];
    }

    /// <summary>The tags of <paramref name="repository"/> (<c>tags/list</c>; distribution returns them unsorted).</summary>
    public async Task<IReadOnlyList<string>> TagsAsync(string repository)
    {
        using var document = await GetJsonAsync($"v2/{repository}/tags/list");
        return [.. document.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)];
    }

    /// <summary>The manifest of <paramref name="repository"/> at <paramref name="reference"/>, with its digest header.</summary>
    public async Task<UpstreamManifest> ManifestAsync(string repository, string reference)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{reference}");
        request.Headers.Accept.ParseAdd(ManifestAccept);
        using var response = await _client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var digest = response.Headers.GetValues("Docker-Content-Digest").Single();
        var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return new UpstreamManifest(digest, mediaType, JsonDocument.Parse(bytes).RootElement.Clone());
    }

    /// <summary>The platforms of the index <paramref name="repository"/>:<paramref name="reference"/>, each with its exact size.</summary>
    public async Task<IReadOnlyList<UpstreamPlatform>> PlatformsAsync(string repository, string reference)
    {
        var index = await ManifestAsync(repository, reference);
        var platforms = new List<UpstreamPlatform>();
        foreach (var entry in index.Json.GetProperty("manifests").EnumerateArray())
        {
            var platform = entry.GetProperty("platform");
            var digest = entry.GetProperty("digest").GetString()!;
            var image = await ManifestAsync(repository, digest);
            platforms.Add(new UpstreamPlatform(
                $"{platform.GetProperty("os").GetString()}/{platform.GetProperty("architecture").GetString()}",
                digest,
                image.TotalSize));
        }

        return platforms;
    }

    /// <summary>The JSON blob <paramref name="digest"/> of <paramref name="repository"/> (an image config).</summary>
    public async Task<JsonElement> BlobJsonAsync(string repository, string digest)
    {
        using var document = await GetJsonAsync($"v2/{repository}/blobs/{digest}");
        return document.RootElement.Clone();
    }

    public void Dispose() => _client.Dispose();

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
    }
}
