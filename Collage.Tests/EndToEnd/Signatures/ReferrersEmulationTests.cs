using System.Net;
using System.Text.Json.Nodes;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Signatures;

/// <summary>
/// Referrers in front of a real distribution 2.8.2, which has no referrers API: Collage answers
/// <c>GET /v2/NAME/referrers/DIGEST</c> from the referrers tag <c>sha256-HEX</c> that oras pushed, through a mount and
/// a vhost root mount, with and without the pull-through cache: the exact index, the <c>artifactType</c> filter and its
/// header, the empty index, descriptors completed from their manifests, 400 for a bad digest, and the cache.
/// </summary>
public sealed class ReferrersEmulationTests(ReferrersFixture fixture) : IClassFixture<ReferrersFixture>
{
    private const string FiltersHeader = "OCI-Filters-Applied";

    /// <summary>(cached, vhost): both gateways, each through the global mount and the vhost root mount.</summary>
    public static TheoryData<bool, bool> Ways => new() { { false, false }, { false, true }, { true, false }, { true, true } };

    /// <summary>The global mount and the vhost root mount.</summary>
    public static TheoryData<bool> Vhost => new() { false, true };

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task GetReferrers_FallbackTagIndexUpstream_ExactIndexOfBothArtifacts(bool cached, bool vhost)
    {
        var target = fixture.Target(cached, vhost, fixture.Full);

        using var response = await target.GetAsync($"/v2/{target.Name}/referrers/{fixture.Full.Digest}");

        await ShouldBeIndexAsync(response, fixture.Full.ExpectedIndex());
        response.Headers.Contains("Link").Should().BeFalse("the emulated answer is one page");
        response.Headers.Contains(FiltersHeader).Should().BeFalse("no filter was asked for");
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task GetReferrers_ArtifactTypeFilter_OnlyThatTypeWithFiltersAppliedHeader(bool cached, bool vhost)
    {
        var target = fixture.Target(cached, vhost, fixture.Full);

        foreach (var type in new[] { OrasArtifacts.SbomType, OrasArtifacts.SignatureType, "application/vnd.example.nothing+json" })
        {
            using var response = await target.GetAsync($"/v2/{target.Name}/referrers/{fixture.Full.Digest}?artifactType={Uri.EscapeDataString(type)}");

            await ShouldBeIndexAsync(response, fixture.Full.ExpectedIndex(type));
            response.Headers.GetValues(FiltersHeader).Should().Equal("artifactType");
        }
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task GetReferrers_SubjectWithoutReferrers_EmptyIndexNot404(bool cached, bool vhost)
    {
        var target = fixture.Target(cached, vhost, fixture.Lonely);

        using var response = await target.GetAsync($"/v2/{target.Name}/referrers/{fixture.Lonely.Digest}");

        await ShouldBeIndexAsync(response, OrasArtifacts.Index([]));
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task GetReferrers_TagIndexWithoutArtifactType_TypesAndAnnotationsFromArtifactManifests(bool cached, bool vhost)
    {
        var target = fixture.Target(cached, vhost, fixture.Bare);
        fixture.Bare.Expected.Should().OnlyContain(d => d.ArtifactType != null && d.Annotations != null, "the expectation carries what the tag index lacks");

        using (var response = await target.GetAsync($"/v2/{target.Name}/referrers/{fixture.Bare.Digest}"))
        {
            await ShouldBeIndexAsync(response, fixture.Bare.ExpectedIndex());
        }

        // The signature has no artifactType field: its config's media type is its type, and the filter sees that.
        using var filtered = await target.GetAsync($"/v2/{target.Name}/referrers/{fixture.Bare.Digest}?artifactType={Uri.EscapeDataString(OrasArtifacts.SignatureType)}");
        await ShouldBeIndexAsync(filtered, fixture.Bare.ExpectedIndex(OrasArtifacts.SignatureType));
        filtered.Headers.GetValues(FiltersHeader).Should().Equal("artifactType");
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task GetReferrers_BadDigest_400DigestInvalidAndNothingUpstream(bool cached, bool vhost)
    {
        var target = fixture.Target(cached, vhost, fixture.Full);
        var marker = Guid.NewGuid().ToString("N");

        foreach (var digest in new[] { $"sha256:{marker}", $"sha256:{(marker + marker).ToUpperInvariant()}", marker })
        {
            using var response = await target.GetAsync($"/v2/{target.Name}/referrers/{digest}");

            response.StatusCode.Should().Be(HttpStatusCode.BadRequest, "{0} is not a digest", digest);
            (await Functional.ErrorAnswerTests.ErrorCodeAsync(response)).Should().Be("DIGEST_INVALID");
        }

        var log = await fixture.Registry.AccessLogBarrierAsync();
        log.Should().NotContain(e => e.Target.Contains(marker, StringComparison.OrdinalIgnoreCase), "a bad digest is refused before any upstream request");
    }

    [Theory]
    [MemberData(nameof(Vhost))]
    public async Task GetReferrers_CacheOn_SecondRequestHitWithoutUpstreamRequest(bool vhost)
    {
        var subject = vhost ? fixture.CacheVhost : fixture.CacheGlobal;
        var target = fixture.Target(cached: true, vhost, subject);
        var path = $"/v2/{target.Name}/referrers/{subject.Digest}";
        (await UpstreamAsksAsync(subject)).Should().Be((0, 0), "no other test asks for this subject");

        using var first = await target.GetAsync(path);
        var firstBody = await ShouldBeIndexAsync(first, subject.ExpectedIndex());
        first.Headers.GetValues("X-Cache").Should().Equal("MISS");
        (await UpstreamAsksAsync(subject)).Should().Be((1, 1), "the first answer asked the referrers API (404) and then the fallback tag, once each");

        using var second = await target.GetAsync(path);
        (await ShouldBeIndexAsync(second, subject.ExpectedIndex())).Should().Equal(firstBody);
        second.Headers.GetValues("X-Cache").Should().Equal("HIT");
        (await UpstreamAsksAsync(subject)).Should().Be((1, 1), "a HIT within tagTtl asks the upstream nothing");
    }

    [Theory]
    [MemberData(nameof(Vhost))]
    public async Task GetReferrers_CacheOff_EveryRequestAsksUpstream(bool vhost)
    {
        var target = fixture.Target(cached: false, vhost, fixture.Full);
        var before = await UpstreamAsksAsync(fixture.Full);

        for (var i = 1; i <= 2; i++)
        {
            using var response = await target.GetAsync($"/v2/{target.Name}/referrers/{fixture.Full.Digest}");
            await ShouldBeIndexAsync(response, fixture.Full.ExpectedIndex());
            response.Headers.Contains("X-Cache").Should().BeFalse("there is no cache");
            (await UpstreamAsksAsync(fixture.Full)).Should().Be((before.Referrers + i, before.FallbackTag + i), "without a cache every answer asks");
        }
    }

    // Asserts a 200 OCI index equal (as JSON) to the expected one; returns the body.
    private static async Task<byte[]> ShouldBeIndexAsync(HttpResponseMessage response, JsonObject expected)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var text = System.Text.Encoding.UTF8.GetString(body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be(OciMediaTypes.ImageIndex);
        JsonNode.DeepEquals(JsonNode.Parse(body), expected).Should().BeTrue($"the answer{Environment.NewLine}{text}{Environment.NewLine}must equal{Environment.NewLine}{expected.ToJsonString()}");
        return body;
    }

    // How often the registry was asked (GET or HEAD) for the subject's referrers and for its fallback tag, up to now;
    // the fixture's PUT of the tag is no question.
    private async Task<(int Referrers, int FallbackTag)> UpstreamAsksAsync(ReferredSubject subject)
    {
        var log = (await fixture.Registry.AccessLogBarrierAsync()).Where(e => e.Method is "GET" or "HEAD").ToList();
        var referrers = $"/v2/{subject.UpstreamRepository}/referrers/{subject.Digest}";
        var tag = $"/v2/{subject.UpstreamRepository}/manifests/{OrasArtifacts.FallbackTag(subject.Digest)}";
        return (
            log.Count(e => e.Target == referrers || e.Target.StartsWith(referrers + "?", StringComparison.Ordinal)),
            log.Count(e => e.Target == tag || e.Target.StartsWith(tag + "?", StringComparison.Ordinal)));
    }
}
