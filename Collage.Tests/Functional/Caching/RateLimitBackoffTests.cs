using System.Net;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// An upstream's 429 with Retry-After: nothing is sent to it until that has passed (on the fake clock), Collage answers
/// 429 itself for what it does not hold, and what it holds is still served.
/// </summary>
public sealed class RateLimitBackoffTests
{
    [Fact]
    public async Task Get_UpstreamAnswered429_NoUpstreamRequestUntilRetryAfterAndCachedContentServed()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var layer = FakeOciRegistry.Content(4096, seed: 3);
        var layerDigest = registry.AddBlob("team-a/web", layer);
        var missing = registry.AddBlob("team-a/web", FakeOciRegistry.Content(100, seed: 4));
        var manifest = FakeOciRegistry.ImageManifest(layerDigest);
        registry.SetTag("team-a/web", "v1", ManifestTagTests.OciManifest, manifest);
        registry.RetryAfterSeconds = 120;
        await using var collage = await CachedCollage.StartAsync(registry);
        (await collage.GetAsync("/v2/a/web/manifests/v1")).Response.Dispose();
        await collage.PrimeAsync($"/v2/a/web/blobs/{layerDigest}");

        registry.Fault = UpstreamFault.TooManyRequests;
        collage.Time.Advance(CachedCollage.TagTtl + TimeSpan.FromSeconds(1));
        var (first, _) = await collage.GetAsync("/v2/a/web/manifests/v1");
        var before = registry.Requests.Count;

        collage.Time.Advance(TimeSpan.FromSeconds(60));
        var (stale, staleBody) = await collage.GetAsync("/v2/a/web/manifests/v1");
        var (blob, blobBody) = await collage.GetAsync($"/v2/a/web/blobs/{layerDigest}");
        var (limited, _) = await collage.GetAsync($"/v2/a/web/blobs/{missing}");
        var (otherTag, _) = await collage.GetAsync("/v2/a/web/manifests/v2");

        using (first)
        using (stale)
        using (blob)
        using (limited)
        using (otherTag)
        {
            first.XCache().Should().Be("STALE", "the revalidation met the 429");
            stale.XCache().Should().Be("STALE");
            staleBody.Should().Equal(manifest);
            blob.XCache().Should().Be("HIT");
            blobBody.Should().Equal(layer);
            foreach (var answer in new[] { limited, otherTag })
            {
                answer.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
                (await ErrorAnswerTests.ErrorCodeAsync(answer)).Should().Be("TOOMANYREQUESTS");
                answer.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(60));
            }
        }

        registry.Requests.Count.Should().Be(before, "nothing is sent to an upstream in back-off");

        registry.Fault = UpstreamFault.None;
        collage.Time.Advance(TimeSpan.FromSeconds(61));
        var (after, _) = await collage.GetAsync($"/v2/a/web/blobs/{missing}");
        using (after)
        {
            after.StatusCode.Should().Be(HttpStatusCode.OK);
            after.XCache().Should().Be("MISS");
        }

        registry.Requests.Count.Should().Be(before + 1, "Retry-After passed: the upstream is asked again");
    }
}
