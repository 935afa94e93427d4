using System.Net;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// Content cached for one repository is served to another only once that one's upstream says it has it: a digest is
/// not a capability (knowing it must not let mount B read what mount A fetched).
/// </summary>
public sealed class CrossRepositoryTests
{
    [Fact]
    public async Task GetBlob_CachedViaRepositoryAButNotInB_BGets404UntilItsUpstreamHasIt()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var secret = FakeOciRegistry.Content(2048, seed: 5);
        var digest = registry.AddBlob("team-a/web", secret);
        var pathB = $"/v2/team-b/web/blobs/{digest}";
        await using var collage = await CachedCollage.StartAsync(registry);
        await collage.PrimeAsync($"/v2/a/web/blobs/{digest}");

        var (denied, deniedBody) = await collage.GetAsync($"/v2/b/web/blobs/{digest}");
        var (deniedHead, _) = await collage.GetAsync($"/v2/b/web/blobs/{digest}", method: HttpMethod.Head);
        using (denied)
        using (deniedHead)
        {
            denied.StatusCode.Should().Be(HttpStatusCode.NotFound);
            deniedBody.Should().NotEqual(secret);
            deniedBody.Length.Should().BeLessThan(secret.Length);
            denied.XCache().Should().BeNull();
            deniedHead.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        registry.Count("HEAD", pathB).Should().BeGreaterThan(0, "B's upstream decides whether B may read it");

        registry.AddBlob("team-b/web", secret);
        var getsBefore = registry.Count("GET", pathB);
        var (served, servedBody) = await collage.GetAsync($"/v2/b/web/blobs/{digest}");
        var (again, _) = await collage.GetAsync($"/v2/b/web/blobs/{digest}");
        using (served)
        using (again)
        {
            served.StatusCode.Should().Be(HttpStatusCode.OK);
            served.XCache().Should().Be("HIT");
            servedBody.Should().Equal(secret);
            again.XCache().Should().Be("HIT");
        }

        registry.Count("GET", pathB).Should().Be(getsBefore, "B's upstream confirmed it with a HEAD; the bytes came from the cache");
        registry.Count("GET", $"/v2/team-a/web/blobs/{digest}").Should().Be(1);
    }

    [Fact]
    public async Task GetBlob_ListedByRepositoryManifest_ServedWithoutAskingTheUpstream()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var layer = FakeOciRegistry.Content(2048, seed: 6);
        var digest = registry.AddBlob("team-a/web", layer);
        registry.AddBlob("team-b/web", layer);
        registry.SetTag("team-b/web", "v1", ManifestTagTests.OciManifest, FakeOciRegistry.ImageManifest(digest));
        await using var collage = await CachedCollage.StartAsync(registry);
        await collage.PrimeAsync($"/v2/a/web/blobs/{digest}");
        (await collage.GetAsync("/v2/b/web/manifests/v1")).Response.Dispose();

        var (served, body) = await collage.GetAsync($"/v2/b/web/blobs/{digest}");

        using (served)
        {
            served.XCache().Should().Be("HIT");
            body.Should().Equal(layer);
        }

        registry.Requests.Where(r => r.Path.Contains("/team-b/web/blobs/", StringComparison.Ordinal)).Should().BeEmpty("B's manifest listed the layer");
    }
}
