using System.Net;

namespace Collage.Tests.Functional.Caching;

/// <summary>
/// Stale-if-error: past tagTtl an upstream that fails (503, refused, silent, 429) gets the cached tag served as STALE
/// within staleIfError, and the error itself past it; a 404 is an answer, not a failure, and forgets the tag.
/// </summary>
public sealed class StaleOnErrorTests
{
    public enum Failure
    {
        Unavailable,
        Refused,
        Hang,
        TooManyRequests,
    }

    [Theory]
    [InlineData(Failure.Unavailable, HttpStatusCode.BadGateway)]
    [InlineData(Failure.Refused, HttpStatusCode.BadGateway)]
    [InlineData(Failure.Hang, HttpStatusCode.GatewayTimeout)]
    [InlineData(Failure.TooManyRequests, HttpStatusCode.TooManyRequests)]
    public async Task Get_TagPastTtlUpstreamFails_StaleWithinStaleIfErrorThenTheError(Failure failure, HttpStatusCode pastStaleIfError)
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        var manifest = FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([7]));
        var digest = registry.SetTag("team-a/web", "v1", ManifestTagTests.OciManifest, manifest);
        registry.RetryAfterSeconds = 30;
        // A short activity timeout only for the hang: the first fetch of a fresh Collage may take over a second on a
        // loaded machine.
        await using var collage = await CachedCollage.StartAsync(registry, activityTimeout: failure == Failure.Hang ? "00:00:03" : "00:00:30");
        (await collage.GetAsync("/v2/a/web/manifests/v1")).Response.Dispose();

        await FailAsync(registry, failure);
        collage.Time.Advance(CachedCollage.TagTtl + TimeSpan.FromMinutes(30));
        var (stale, body) = await collage.GetAsync("/v2/a/web/manifests/v1");
        using (stale)
        {
            stale.StatusCode.Should().Be(HttpStatusCode.OK);
            stale.XCache().Should().Be("STALE");
            stale.MediaType().Should().Be(ManifestTagTests.OciManifest);
            stale.ContentDigest().Should().Be(digest);
            body.Should().Equal(manifest);
        }

        collage.Time.Advance(CachedCollage.StaleIfError);
        var (failed, _) = await collage.GetAsync("/v2/a/web/manifests/v1");
        using (failed)
        {
            failed.StatusCode.Should().Be(pastStaleIfError);
            failed.XCache().Should().BeNull();
            if (failure == Failure.TooManyRequests)
            {
                failed.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(30));
            }
        }

        collage.Server.Logs.Lines.Should().Contain(l => l.Contains("served the cached answer", StringComparison.Ordinal) && l.Contains(registry.Authority, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_TagPastTtlUpstream404_404AndTagForgotten()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        registry.SetTag("team-a/web", "v1", ManifestTagTests.OciManifest, FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([8])));
        await using var collage = await CachedCollage.StartAsync(registry);
        (await collage.GetAsync("/v2/a/web/manifests/v1")).Response.Dispose();

        registry.Fault = UpstreamFault.NotFound;
        collage.Time.Advance(CachedCollage.TagTtl + TimeSpan.FromSeconds(1));
        var (gone, _) = await collage.GetAsync("/v2/a/web/manifests/v1");

        // Forgotten: a failing upstream now gets no stale answer for it.
        registry.Fault = UpstreamFault.Unavailable;
        var (failed, _) = await collage.GetAsync("/v2/a/web/manifests/v1");

        using (gone)
        using (failed)
        {
            gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
            (await ErrorAnswerTests.ErrorCodeAsync(gone)).Should().Be("MANIFEST_UNKNOWN");
            failed.StatusCode.Should().Be(HttpStatusCode.BadGateway);
            failed.XCache().Should().BeNull();
        }
    }

    [Fact]
    public async Task Get_TagWithinTtlUpstreamDown_HitWithoutAsking()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        registry.SetTag("team-a/web", "v1", ManifestTagTests.OciManifest, FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([9])));
        await using var collage = await CachedCollage.StartAsync(registry);
        (await collage.GetAsync("/v2/a/web/manifests/v1")).Response.Dispose();

        registry.Fault = UpstreamFault.Unavailable;
        var (hit, _) = await collage.GetAsync("/v2/a/web/manifests/v1");

        using (hit)
        {
            hit.XCache().Should().Be("HIT");
        }

        registry.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task GetTagsList_UpstreamFails_LastGoodPageStaleWithinStaleIfErrorThenTheError()
    {
        await using var registry = await FakeOciRegistry.StartAsync();
        registry.SetTag("team-a/web", "v1", ManifestTagTests.OciManifest, FakeOciRegistry.ImageManifest(FakeOciRegistry.DigestOf([10])));
        await using var collage = await CachedCollage.StartAsync(registry);
        var (good, goodBody) = await collage.GetAsync("/v2/a/web/tags/list");
        good.Dispose();

        registry.Fault = UpstreamFault.Unavailable;
        collage.Time.Advance(CachedCollage.TagTtl);
        var (stale, staleBody) = await collage.GetAsync("/v2/a/web/tags/list");
        collage.Time.Advance(CachedCollage.StaleIfError + TimeSpan.FromSeconds(1));
        var (failed, _) = await collage.GetAsync("/v2/a/web/tags/list");

        using (stale)
        using (failed)
        {
            good.StatusCode.Should().Be(HttpStatusCode.OK);
            System.Text.Encoding.UTF8.GetString(goodBody).Should().Contain("\"a/web\"").And.Contain("\"v1\"");
            stale.StatusCode.Should().Be(HttpStatusCode.OK);
            stale.XCache().Should().Be("STALE");
            stale.MediaType().Should().Be(good.MediaType());
            staleBody.Should().Equal(goodBody);
            failed.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        }

        registry.Count("GET", "/v2/team-a/web/tags/list").Should().Be(3, "a tag list is always asked of the upstream");
    }

    private static async Task FailAsync(FakeOciRegistry registry, Failure failure)
    {
        switch (failure)
        {
            case Failure.Refused:
                await registry.StopAsync();
                break;
            case Failure.Hang:
                registry.Fault = UpstreamFault.Hang;
                break;
            case Failure.TooManyRequests:
                registry.Fault = UpstreamFault.TooManyRequests;
                break;
            default:
                registry.Fault = UpstreamFault.Unavailable;
                break;
        }
    }
}
