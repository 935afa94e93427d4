using System.Net;
using System.Text;
using Collage.Tests.Common;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// Tag answers: none asked of the upstream within tagTtl; after it one HEAD, and a GET only when the digest changed;
/// one answer per Accept set, each with the upstream's exact bytes, media type and digest.
/// </summary>
public sealed class ManifestTagTests
{
    internal const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    internal const string OciIndex = "application/vnd.oci.image.index.v1+json";
    internal const string DockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
    private const string UpstreamPath = "/v2/team-a/web/manifests/v1";

    [Fact]
    public async Task Get_WithinTagTtl_NoUpstreamRequest()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var manifest = FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([1]));
        var digest = registry.SetTag("team-a/web", "v1", OciManifest, manifest);
        await using var collage = await CachedCollage.StartAsync(registry);

        var (miss, missBody) = await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest);
        collage.Time.Advance(CachedCollage.TagTtl - TimeSpan.FromSeconds(1));
        var (hit, hitBody) = await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest);

        using (miss)
        using (hit)
        {
            miss.XCache().Should().Be("MISS");
            hit.StatusCode.Should().Be(HttpStatusCode.OK);
            hit.XCache().Should().Be("HIT");
            foreach (var (response, body) in new[] { (miss, missBody), (hit, hitBody) })
            {
                body.Should().Equal(manifest);
                response.MediaType().Should().Be(OciManifest);
                response.ContentDigest().Should().Be(digest);
                response.Headers.ETag!.Tag.Should().Be($"\"{digest}\"");
                response.Content.Headers.ContentLength.Should().Be(manifest.Length);
            }
        }

        registry.Requests.Should().ContainSingle().Which.Method.Should().Be("GET");
    }

    [Fact]
    public async Task Get_AfterTagTtlUnchanged_OneHeadAndNoGet()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var manifest = FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([2]));
        registry.SetTag("team-a/web", "v1", OciManifest, manifest);
        await using var collage = await CachedCollage.StartAsync(registry);

        (await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest)).Response.Dispose();
        collage.Time.Advance(CachedCollage.TagTtl + TimeSpan.FromSeconds(1));
        var (revalidated, body) = await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest);
        var (confirmed, _) = await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest);

        using (revalidated)
        using (confirmed)
        {
            revalidated.XCache().Should().Be("HIT");
            body.Should().Equal(manifest);
            confirmed.XCache().Should().Be("HIT");
        }

        registry.Count("GET", UpstreamPath).Should().Be(1);
        registry.Count("HEAD", UpstreamPath).Should().Be(1, "the HEAD confirmed the tag for another tagTtl");
    }

    [Fact]
    public async Task Get_AfterTagTtlChanged_GetsTheNewManifest()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        registry.SetTag("team-a/web", "v1", OciManifest, FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([3])));
        await using var collage = await CachedCollage.StartAsync(registry);

        (await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest)).Response.Dispose();
        var changed = FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([4]));
        var newDigest = registry.SetTag("team-a/web", "v1", OciManifest, changed);
        collage.Time.Advance(CachedCollage.TagTtl + TimeSpan.FromSeconds(1));
        var (response, body) = await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest);
        var (next, nextBody) = await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest);

        using (response)
        using (next)
        {
            response.XCache().Should().Be("MISS");
            response.ContentDigest().Should().Be(newDigest);
            body.Should().Equal(changed);
            next.XCache().Should().Be("HIT");
            nextBody.Should().Equal(changed);
        }

        registry.Count("HEAD", UpstreamPath).Should().Be(1);
        registry.Count("GET", UpstreamPath).Should().Be(2);
    }

    [Fact]
    public async Task Get_AcceptVariants_CachedSeparatelyAndNeverAnUnacceptedMediaType()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var index = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{OciIndex}}","manifests":[]}""");
        var list = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{DockerList}}","manifests":[]}""");
        registry.SetTag("team-a/web", "v1", (OciIndex, index), (DockerList, list));
        await using var collage = await CachedCollage.StartAsync(registry);
        (string Accept, byte[] Expected, string Type)[] clients =
        [
            ($"{OciIndex}, {OciManifest}", index, OciIndex),
            ($"{DockerList}, application/vnd.docker.distribution.manifest.v2+json", list, DockerList),
        ];

        var outcomes = new List<string?>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var (accept, expected, type) in clients)
            {
                var (response, body) = await collage.GetAsync("/v2/a/web/manifests/v1", accept);
                using (response)
                {
                    response.StatusCode.Should().Be(HttpStatusCode.OK);
                    response.MediaType().Should().Be(type, "the client accepted {0}", accept);
                    response.ContentDigest().Should().Be(FakeOciRegistry.DigestOf(expected));
                    body.Should().Equal(expected);
                    outcomes.Add(response.XCache());
                }
            }
        }

        outcomes.Should().Equal("MISS", "MISS", "HIT", "HIT");
        registry.Count("GET", UpstreamPath).Should().Be(2, "one GET per Accept set");
    }

    [Fact]
    public async Task Head_CachedTag_SameHeadersAsGetWithoutBody()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var manifest = FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([5]));
        registry.SetTag("team-a/web", "v1", OciManifest, manifest);
        await using var collage = await CachedCollage.StartAsync(registry);

        var (get, _) = await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest);
        var (head, headBody) = await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest, method: HttpMethod.Head);

        using (get)
        using (head)
        {
            head.XCache().Should().Be("HIT");
            headBody.Should().BeEmpty();
            head.Content.Headers.ContentLength.Should().Be(manifest.Length);
            head.MediaType().Should().Be(get.MediaType());
            head.ContentDigest().Should().Be(get.ContentDigest());
            head.Headers.ETag.Should().Be(get.Headers.ETag);
        }

        registry.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Get_ByDigestAfterTag_ServedFromCache()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var manifest = FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([6]));
        var digest = registry.SetTag("team-a/web", "v1", OciManifest, manifest);
        await using var collage = await CachedCollage.StartAsync(registry);

        (await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest)).Response.Dispose();
        var (byDigest, body) = await collage.GetAsync($"/v2/a/web/manifests/{digest}", OciManifest);

        using (byDigest)
        {
            byDigest.XCache().Should().Be("HIT");
            byDigest.MediaType().Should().Be(OciManifest);
            body.Should().Equal(manifest);
        }

        registry.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Get_SlowButMovingManifestLongerThanActivityTimeout_CachedWhole()
    {
        var manifest = FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([12]), FakeOciRegistry.DigestOf([13]));
        await using var upstream = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = OciManifest;
            context.Response.ContentLength = manifest.Length;
            context.Response.Headers["Docker-Content-Digest"] = FakeOciRegistry.DigestOf(manifest);

            // Ten pieces 300 ms apart: 3 s in all, never silent for the 2 s activity timeout (a wide margin: a loaded CI
            // machine stretches the pauses).
            var piece = manifest.Length / 10;
            for (var offset = 0; offset < manifest.Length; offset += piece)
            {
                await context.Response.Body.WriteAsync(manifest.AsMemory(offset, Math.Min(piece, manifest.Length - offset)));
                await context.Response.Body.FlushAsync();
                await Task.Delay(300);
            }
        });
        await using var collage = await CachedCollage.StartAsync(upstream.Authority, activityTimeout: "00:00:02");

        var (response, body) = await collage.GetAsync("/v2/a/web/manifests/v1", OciManifest);

        using (response)
        {
            response.StatusCode.Should().Be(HttpStatusCode.OK, "the activity timeout bounds silence, not the whole transfer");
            body.Should().Equal(manifest);
        }
    }
}
