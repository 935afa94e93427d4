using System.Net;
using Collage.Tests.Functional.Caching;

namespace Collage.Tests.Functional.Referrers;

/// <summary>
/// With the pull-through cache on, a referrers answer is mutable like a tag: served without asking for tagTtl
/// (HIT), asked again after it, served STALE while the upstream fails within staleIfError, the error after; passed
/// through or emulated alike. Cache off for the upstream, or a pass-through upstream: always asked.
/// </summary>
public sealed class ReferrersCacheTests
{
    private const string Upstream = "team-a/web";

    public static TheoryData<ReferrersSupport> Supports => [ReferrersSupport.Api, ReferrersSupport.NotFound];

    [Theory]
    [MemberData(nameof(Supports))]
    public async Task Get_Twice_MissThenHitWithoutAskingTheUpstream(ReferrersSupport support)
    {
        await using var registry = await ReferrersRegistry.StartAsync(support);
        var (subject, referrers) = Seed(registry, support);
        await using var collage = await CachedCollage.StartAsync(registry.Authority);

        using var miss = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));
        var requests = registry.Requests.Count;
        collage.Time.Advance(CachedCollage.TagTtl - TimeSpan.FromSeconds(1));
        using var hit = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));

        miss.ShouldBeIndexOf([.. referrers.Select(r => r.Descriptor())]);
        miss.Response.XCache().Should().Be("MISS");
        hit.Response.XCache().Should().Be("HIT");
        hit.Body.Should().Equal(miss.Body);
        hit.Response.Content.Headers.ContentType!.MediaType.Should().Be(Artifact.ImageIndex);
        registry.Requests.Count.Should().Be(requests, "a HIT asks nothing of the upstream");
        registry.ReferrersRequests.Should().ContainSingle();
    }

    [Theory]
    [MemberData(nameof(Supports))]
    public async Task Get_AfterTagTtl_AskedAgainAndTheNewAnswerServed(ReferrersSupport support)
    {
        await using var registry = await ReferrersRegistry.StartAsync(support);
        var (subject, referrers) = Seed(registry, support);
        await using var collage = await CachedCollage.StartAsync(registry.Authority);
        (await ReferrersAnswer.SendAsync(collage.Client, Local(subject))).Dispose();

        var added = Add(registry, support, subject, referrers);
        collage.Time.Advance(CachedCollage.TagTtl - TimeSpan.FromSeconds(1));
        using var cached = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));
        collage.Time.Advance(TimeSpan.FromSeconds(2));
        using var fresh = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));
        using var next = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));

        cached.Response.XCache().Should().Be("HIT");
        cached.Manifests.Should().HaveCount(referrers.Length);
        fresh.ShouldBeIndexOf([.. added.Select(r => r.Descriptor())]);
        fresh.Response.XCache().Should().NotBe("HIT").And.NotBe("STALE");
        next.Response.XCache().Should().Be("HIT");
        next.Body.Should().Equal(fresh.Body);
        registry.ReferrersRequests.Should().HaveCount(2);
    }

    [Theory]
    [InlineData(ReferrersSupport.Api, false)]
    [InlineData(ReferrersSupport.NotFound, false)]
    [InlineData(ReferrersSupport.NotFound, true)]
    public async Task Get_UpstreamFailsPastTagTtl_StaleWithinStaleIfErrorThenTheError(ReferrersSupport support, bool fallbackTagFails)
    {
        await using var registry = await ReferrersRegistry.StartAsync(support);
        var (subject, _) = Seed(registry, support);
        await using var collage = await CachedCollage.StartAsync(registry.Authority);
        using var good = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));

        if (fallbackTagFails)
        {
            registry.ManifestFault = ReferrersFault.Unavailable;
        }
        else
        {
            registry.ReferrersFault = ReferrersFault.Unavailable;
        }

        collage.Time.Advance(CachedCollage.TagTtl + TimeSpan.FromMinutes(30));
        using var stale = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));
        var asked = registry.ReferrersRequests.Count;
        collage.Time.Advance(CachedCollage.StaleIfError);
        using var failed = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));

        good.Status.Should().Be(HttpStatusCode.OK);
        stale.Status.Should().Be(HttpStatusCode.OK);
        stale.Response.XCache().Should().Be("STALE");
        stale.Body.Should().Equal(good.Body);
        stale.Response.Content.Headers.ContentType!.MediaType.Should().Be(Artifact.ImageIndex);
        asked.Should().Be(2, "past tagTtl the upstream was asked before the stale answer was served");
        failed.Status.Should().Be(HttpStatusCode.BadGateway);
        (await ErrorAnswerTests.ErrorCodeAsync(failed.Response)).Should().Be("UNAVAILABLE");
        failed.Response.XCache().Should().BeNull();
    }

    [Fact]
    public async Task Get_AnotherArtifactType_CachedApart()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, referrers) = Seed(registry, ReferrersSupport.NotFound);
        await using var collage = await CachedCollage.StartAsync(registry.Authority);
        var filter = "?artifactType=" + Uri.EscapeDataString(referrers[1].ArtifactType!);

        using var all = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));
        using var filtered = await ReferrersAnswer.SendAsync(collage.Client, Local(subject, filter));
        using var filteredAgain = await ReferrersAnswer.SendAsync(collage.Client, Local(subject, filter));

        all.Response.XCache().Should().Be("MISS");
        filtered.Response.XCache().Should().Be("MISS");
        filtered.ShouldBeIndexOf(referrers[1].Descriptor());
        filtered.Response.Headers.GetValues("OCI-Filters-Applied").Should().Equal("artifactType");
        filteredAgain.Response.XCache().Should().Be("HIT");
        filteredAgain.Body.Should().Equal(filtered.Body);
        filteredAgain.Response.Headers.GetValues("OCI-Filters-Applied").Should().Equal("artifactType");
        registry.ReferrersRequests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Get_AfterAnError_NothingWasCached()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.Api);
        var (subject, referrers) = Seed(registry, ReferrersSupport.Api);
        registry.ReferrersFault = ReferrersFault.Unavailable;
        await using var collage = await CachedCollage.StartAsync(registry.Authority);

        using var failed = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));
        registry.ReferrersFault = ReferrersFault.None;
        using var good = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));

        failed.Status.Should().Be(HttpStatusCode.BadGateway);
        good.ShouldBeIndexOf([.. referrers.Select(r => r.Descriptor())]);
        good.Response.XCache().Should().Be("MISS");
        registry.ReferrersRequests.Should().HaveCount(2);
    }

    [Theory]
    [InlineData("disabled")]
    [InlineData("passthrough")]
    public async Task Get_UncachedUpstream_EveryRequestAsked(string kind)
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, referrers) = Seed(registry, ReferrersSupport.NotFound);
        object upstream = kind == "disabled" ? new { cache = new { enabled = false } } : new { auth = "passthrough" };
        await using var collage = await CachedCollage.StartAsync(registry.Authority, upstream);

        for (var round = 0; round < 2; round++)
        {
            using var answer = await ReferrersAnswer.SendAsync(collage.Client, Local(subject));
            answer.ShouldBeIndexOf([.. referrers.Select(r => r.Descriptor())]);
            answer.Response.XCache().Should().BeNull();
        }

        registry.ReferrersRequests.Should().HaveCount(2);
        registry.ManifestRequests.Count(r => r.Path == $"/v2/{Upstream}/manifests/{subject.FallbackTag}").Should().Be(2);
    }

    private static string Local(Artifact subject, string query = "") => $"/v2/a/web/referrers/{subject.Digest}{query}";

    /// <summary>A subject with two referrers, listed by the API or by the fallback tag as <paramref name="support"/> says.</summary>
    private static (Artifact Subject, Artifact[] Referrers) Seed(ReferrersRegistry registry, ReferrersSupport support)
    {
        var subject = Artifact.Image(20);
        registry.Put(Upstream, subject, "v1");
        return (subject, Add(registry, support, subject, [], count: 2));
    }

    /// <summary>Adds <paramref name="count"/> referrers after <paramref name="existing"/>; returns them all.</summary>
    private static Artifact[] Add(ReferrersRegistry registry, ReferrersSupport support, Artifact subject, Artifact[] existing, int count = 1)
    {
        var added = Enumerable.Range(existing.Length, count)
            .Select(i => Artifact.Referrer(subject, $"application/vnd.example.type{i}+json", seed: i))
            .ToArray();
        foreach (var referrer in added)
        {
            if (support == ReferrersSupport.Api)
            {
                registry.AddReferrer(Upstream, subject, referrer);
            }
            else
            {
                registry.Put(Upstream, referrer);
            }
        }

        Artifact[] all = [.. existing, .. added];
        if (support != ReferrersSupport.Api)
        {
            registry.PutFallbackTag(Upstream, subject, Artifact.Index([.. all.Select(r => r.Descriptor())]));
        }

        return all;
    }
}
