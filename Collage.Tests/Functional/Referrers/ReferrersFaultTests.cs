using System.Net;

namespace Collage.Tests.Functional.Referrers;

/// <summary>
/// Failures on the way to a referrers answer: the upstream failing the referrers call (that error, no fallback) or
/// the fallback tag (the error Collage gives for a manifest), a fallback index that is not what its digest says;
/// no error body or header names the upstream's address or repository.
/// </summary>
public sealed class ReferrersFaultTests
{
    // Only the hang needs a short activity timeout. Every other fault gets the default: a fresh Collage's first
    // upstream answer once took over 1 s on a loaded CI machine, and a 1 s timeout turned a 503 into a 504.
    private const string HangTimeout = "00:00:03";

    public static TheoryData<ReferrersFault, HttpStatusCode, string> Failures => new()
    {
        { ReferrersFault.Unavailable, HttpStatusCode.BadGateway, "UNAVAILABLE" },
        { ReferrersFault.InternalError, HttpStatusCode.BadGateway, "UNAVAILABLE" },
        { ReferrersFault.TooManyRequests, HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS" },
        { ReferrersFault.Forbidden, HttpStatusCode.Forbidden, "DENIED" },
        { ReferrersFault.Reset, HttpStatusCode.BadGateway, "UNAVAILABLE" },
        { ReferrersFault.Hang, HttpStatusCode.GatewayTimeout, "UNAVAILABLE" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Get_FallbackTagFails_TheManifestErrorNamingNothingUpstream(ReferrersFault fault, HttpStatusCode status, string code)
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, _, _) = ReferrersEmulationTests.SeedFallback(registry);
        registry.ManifestFault = fault;
        await using var collage = await ReferrersMount.StartCollageAsync(registry, fault == ReferrersFault.Hang ? HangTimeout : null);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        await answer.ShouldBeErrorAsync(status, code, registry);
        if (fault == ReferrersFault.TooManyRequests)
        {
            answer.Response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(registry.RetryAfterSeconds));
        }

        registry.ReferrersRequests.Should().ContainSingle();
        registry.ManifestRequests.Should().ContainSingle().Which.Path.Should().Be(ReferrersMount.FallbackTagPath(subject));
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Get_ReferrersCallFails_ThatErrorWithoutFallback(ReferrersFault fault, HttpStatusCode status, string code)
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.Api);
        var (subject, _, _) = ReferrersEmulationTests.SeedFallback(registry);
        registry.ReferrersFault = fault;
        await using var collage = await ReferrersMount.StartCollageAsync(registry, fault == ReferrersFault.Hang ? HangTimeout : null);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        await answer.ShouldBeErrorAsync(status, code, registry);
        if (fault == ReferrersFault.TooManyRequests)
        {
            answer.Response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(registry.RetryAfterSeconds));
        }

        registry.ReferrersRequests.Should().ContainSingle();
        registry.ManifestRequests.Should().BeEmpty("only a 404, 405 or 501 means the upstream lacks the API");
    }

    [Fact]
    public async Task Get_UpstreamRefusesConnections_502Unavailable()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, _, _) = ReferrersEmulationTests.SeedFallback(registry);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);
        await registry.StopAsync();

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        await answer.ShouldBeErrorAsync(HttpStatusCode.BadGateway, "UNAVAILABLE", registry);
    }

    [Fact]
    public async Task Get_FallbackIndexNotItsAnnouncedDigest_502Unavailable()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, _, _) = ReferrersEmulationTests.SeedFallback(registry);
        registry.ManifestFault = ReferrersFault.WrongDigest;
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        await answer.ShouldBeErrorAsync(HttpStatusCode.BadGateway, "UNAVAILABLE", registry);
    }

    [Fact]
    public async Task Get_FallbackIndexLargerThanAManifestMayBe_502Unavailable()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var subject = Artifact.Image(11);
        registry.Put(ReferrersMount.Upstream, subject, "v1");
        var huge = Artifact.Referrer(subject, ReferrersEmulationTests.Sbom, annotations: new Dictionary<string, string> { ["pad"] = new string('x', 5 * 1024 * 1024) });
        registry.PutFallbackTag(ReferrersMount.Upstream, subject, Artifact.Index(huge.Descriptor()));
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        await answer.ShouldBeErrorAsync(HttpStatusCode.BadGateway, "UNAVAILABLE", registry);
    }

    [Fact]
    public async Task Get_FallbackIndexSlowButMoving_DeliveredAsTheSameManifestIs()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, sbom, signature) = ReferrersEmulationTests.SeedFallback(registry);

        // Six pieces 700 ms apart: 4.2 s in all, longer than the 2.5 s activity timeout, yet never silent for it (1.8 s
        // of margin: 700 ms of margin once failed on a loaded CI machine).
        registry.ManifestPause = TimeSpan.FromMilliseconds(700);
        await using var collage = await ReferrersMount.StartCollageAsync(registry, "00:00:02.500");

        using var manifest = await ReferrersAnswer.SendAsync(collage.Client, $"/v2/{ReferrersMount.Local}/manifests/{subject.FallbackTag}");
        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        manifest.Status.Should().Be(HttpStatusCode.OK, "the activity timeout bounds silence, not the whole transfer");
        answer.ShouldBeIndexOf(sbom.Descriptor(), signature.Descriptor());
    }

    [Fact]
    public async Task Get_AfterA429OnTheFallbackTag_BackedOffWithoutAskingAgain()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, _, _) = ReferrersEmulationTests.SeedFallback(registry);
        registry.ManifestFault = ReferrersFault.TooManyRequests;
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var first = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));
        var asked = registry.Requests.Count;
        using var second = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        await first.ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS", registry);
        await second.ShouldBeErrorAsync(HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS", registry);
        second.Response.Headers.RetryAfter!.Delta!.Value.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(registry.RetryAfterSeconds));
        registry.Requests.Count.Should().Be(asked, "the upstream is left alone until its Retry-After has passed");
    }

    [Fact]
    public async Task Get_ReferrersCallUnauthorizedInGatewayMode_401WithoutTheUpstreamsRealm()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.Api);
        var (subject, _, _) = ReferrersEmulationTests.SeedFallback(registry);
        registry.ReferrersFault = ReferrersFault.Unauthorized;
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        await answer.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED", registry);
        registry.ManifestRequests.Should().BeEmpty();
    }

    [Fact]
    public async Task Get_BadDigest_400DigestInvalidWithoutAskingTheUpstream()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, $"/v2/{ReferrersMount.Local}/referrers/sha256:{new string('z', 64)}");

        await answer.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID", registry);
        registry.Requests.Should().BeEmpty();
    }
}
