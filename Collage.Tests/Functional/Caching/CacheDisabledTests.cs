using System.Net;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// An upstream whose cache is switched off (<c>upstreams:HOST:cache:enabled=false</c>) or whose credentials are the
/// client's own (pass-through: its content is per client, so never shared) has every request reach it.
/// </summary>
public sealed class CacheDisabledTests
{
    public static TheoryData<string> Upstreams => ["disabled", "passthrough"];

    [Theory]
    [MemberData(nameof(Upstreams))]
    public async Task Get_UncachedUpstream_EveryRequestReachesIt(string kind)
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var blob = FakeOciRegistry.Content(4096, seed: 11);
        var blobDigest = registry.AddBlob("team-a/web", blob);
        var manifest = FakeOciRegistry.ImageManifest(blobDigest);
        var manifestDigest = registry.SetTag("team-a/web", "v1", ManifestTagTests.OciManifest, manifest);
        object upstream = kind == "disabled" ? new { cache = new { enabled = false } } : new { auth = "passthrough" };
        await using var collage = await CachedCollage.StartAsync(registry, upstream);
        string[] paths = ["/v2/a/web/manifests/v1", $"/v2/a/web/manifests/{manifestDigest}", $"/v2/a/web/blobs/{blobDigest}"];

        for (var round = 0; round < 2; round++)
        {
            foreach (var path in paths)
            {
                var (response, body) = await collage.GetAsync(path, ManifestTagTests.OciManifest);
                using (response)
                {
                    response.StatusCode.Should().Be(HttpStatusCode.OK, path);
                    response.XCache().Should().BeNull();
                    body.Should().Equal(path.Contains("/blobs/", StringComparison.Ordinal) ? blob : manifest);
                }
            }
        }

        registry.Count("GET", "/v2/team-a/web/manifests/v1").Should().Be(2);
        registry.Count("GET", $"/v2/team-a/web/manifests/{manifestDigest}").Should().Be(2);
        registry.Count("GET", $"/v2/team-a/web/blobs/{blobDigest}").Should().Be(2);
        collage.StoredFiles.Should().BeEmpty();
    }

    [Fact]
    public async Task GetBlob_WithoutContentLength_ForwardedEveryTimeAndNotStored()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var blob = FakeOciRegistry.Content(8192, seed: 12);
        var digest = registry.AddBlob("team-a/web", blob);
        registry.Chunked = true;
        await using var collage = await CachedCollage.StartAsync(registry);

        var upstreamPath = $"/v2/team-a/web/blobs/{digest}";
        for (var i = 0; i < 2; i++)
        {
            var before = registry.Count("GET", upstreamPath);
            var (response, body) = await collage.GetAsync($"/v2/a/web/blobs/{digest}");
            registry.Count("GET", upstreamPath).Should().BeGreaterThan(before, "request {0} reached the upstream", i);
            using (response)
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK);
                response.XCache().Should().BeNull("space cannot be reserved for an unknown length: forwarded as without a cache");
                body.Should().Equal(blob);
            }
        }

        collage.StoredFiles.Should().BeEmpty();
        Directory.GetFiles(Path.Combine(collage.Folder, "spool")).Should().BeEmpty();
    }
}
