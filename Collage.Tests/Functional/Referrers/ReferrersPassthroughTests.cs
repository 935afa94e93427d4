using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Authentication;

namespace Collage.Tests.Functional.Referrers;

/// <summary>
/// A pass-through mount: the Bearer token Collage's token endpoint issued for the upstream reaches it on every call
/// of a referrers answer (the referrers call, the fallback tag, a referring manifest), and an upstream 401 becomes
/// Collage's own challenge, in local names.
/// </summary>
public sealed class ReferrersPassthroughTests : IAsyncLifetime
{
    private static readonly string ClientBasic = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:client-secret"));

    private FakeTokenServer _tokens = null!;
    private ReferrersRegistry _registry = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        _tokens = await FakeTokenServer.StartAsync();
        _registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        _registry.Challenge = request => Authorized(request) ? null : ChallengeFor(ReferrersMount.Upstream);
        _collage = await ReferrersMount.StartCollageAsync(_registry, upstream: new { auth = "passthrough" });
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _registry.DisposeAsync();
        await _tokens.DisposeAsync();
    }

    [Fact]
    public async Task Get_FallbackWithIssuedToken_TokenReachesTheUpstreamOnEveryCall()
    {
        var subject = Artifact.Image(30);
        _registry.Put(ReferrersMount.Upstream, subject, "v1");
        var typed = Artifact.Referrer(subject, ReferrersEmulationTests.Sbom, seed: 1);
        var bare = Artifact.Referrer(subject, ReferrersEmulationTests.Signature, seed: 2);
        _registry.Put(ReferrersMount.Upstream, typed);
        _registry.Put(ReferrersMount.Upstream, bare);
        _registry.PutFallbackTag(ReferrersMount.Upstream, subject, Artifact.Index(typed.Descriptor(), bare.Descriptor(withArtifactType: false)));
        var token = await GetTokenAsync();

        using var answer = await ReferrersAnswer.SendAsync(_collage.Client, ReferrersMount.LocalPath(subject), bearer: token);

        answer.ShouldBeIndexOf(typed.Descriptor(), bare.Descriptor());
        var referrers = _registry.ReferrersRequests.Should().ContainSingle().Subject;
        referrers.Header("Authorization").Should().Be("Bearer " + token);
        _registry.ManifestRequests.Select(r => (r.Path, r.Header("Authorization"))).Should().BeEquivalentTo(
        [
            (ReferrersMount.FallbackTagPath(subject), "Bearer " + token),
            ($"/v2/{ReferrersMount.Upstream}/manifests/{bare.Digest}", "Bearer " + token),
        ]);
    }

    [Fact]
    public async Task Get_ApiWithIssuedToken_TokenReachesTheReferrersCall()
    {
        _registry.Support = ReferrersSupport.Api;
        var (subject, referrers) = ReferrersApiTests.Seed(_registry, ReferrersMount.Upstream, count: 2);
        var token = await GetTokenAsync();

        using var answer = await ReferrersAnswer.SendAsync(_collage.Client, ReferrersMount.LocalPath(subject), bearer: token);

        answer.ShouldBeIndexOf([.. referrers.Select(r => r.Descriptor())]);
        _registry.ReferrersRequests.Should().ContainSingle().Which.Header("Authorization").Should().Be("Bearer " + token);
        _registry.ManifestRequests.Should().BeEmpty();
    }

    [Fact]
    public async Task Get_WithoutToken_CollagesChallengeInLocalNamesAndNoFallback()
    {
        var (subject, _, _) = ReferrersEmulationTests.SeedFallback(_registry);

        using var answer = await ReferrersAnswer.SendAsync(_collage.Client, ReferrersMount.LocalPath(subject));

        answer.Status.Should().Be(HttpStatusCode.Unauthorized);
        (await ErrorAnswerTests.ErrorCodeAsync(answer.Response)).Should().Be("UNAUTHORIZED");
        var challenge = AuthenticationChallengeParser.Parse(answer.Response.Headers).Should().ContainSingle().Subject;
        challenge.TryGetParameter("realm", out var realm).Should().BeTrue();
        realm.Should().Be($"{_collage.BaseUri}v2/token");
        challenge.TryGetParameter("scope", out var scope).Should().BeTrue();
        scope.Should().Be($"repository:{ReferrersMount.Local}:pull");
        answer.ShouldNameNothingOf(_registry);
        answer.Header("WWW-Authenticate").Should().NotContain(_tokens.BaseUri.Authority);
        _registry.ManifestRequests.Should().BeEmpty("a 401 is an answer of the referrers call, not a missing API");
    }

    [Fact]
    public async Task Get_TokenForgedByTheClient_NeverReachesTheUpstream()
    {
        var (subject, _, _) = ReferrersEmulationTests.SeedFallback(_registry);

        using var answer = await ReferrersAnswer.SendAsync(_collage.Client, ReferrersMount.LocalPath(subject), bearer: "token-1");

        answer.Status.Should().Be(HttpStatusCode.Unauthorized);
        _registry.Requests.Should().NotContain(r => r.Header("Authorization") == "Bearer token-1", "only a token Collage issued goes upstream");
    }

    [Fact]
    public async Task Get_ReferrersRouteAnswered404BeforeAuth_TagCallChallengedThenTokenReachesBoth()
    {
        // distribution 2.8 with token auth: an unknown route is a 404 before any auth; the tag call is challenged.
        _registry.Challenge = request => request.Path.Value!.Contains("/referrers/", StringComparison.Ordinal) || Authorized(request) ? null : ChallengeFor(ReferrersMount.Upstream);
        var (subject, sbom, signature) = ReferrersEmulationTests.SeedFallback(_registry);

        using var challenged = await ReferrersAnswer.SendAsync(_collage.Client, ReferrersMount.LocalPath(subject));
        var token = await GetTokenAsync();
        using var answer = await ReferrersAnswer.SendAsync(_collage.Client, ReferrersMount.LocalPath(subject), bearer: token);

        challenged.Status.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = AuthenticationChallengeParser.Parse(challenged.Response.Headers).Should().ContainSingle().Subject;
        challenge.TryGetParameter("realm", out var realm).Should().BeTrue();
        realm.Should().Be($"{_collage.BaseUri}v2/token");
        challenge.TryGetParameter("scope", out var scope).Should().BeTrue();
        scope.Should().Be($"repository:{ReferrersMount.Local}:pull");
        challenged.ShouldNameNothingOf(_registry);
        answer.ShouldBeIndexOf(sbom.Descriptor(), signature.Descriptor());
        _registry.ManifestRequests.Last().Header("Authorization").Should().Be("Bearer " + token);
        _registry.ReferrersRequests.Last().Header("Authorization").Should().Be("Bearer " + token);
    }

    [Fact]
    public async Task Get_GatewayMountBehindBearer_CollageDoesTheTokenDanceForBothCalls()
    {
        var (subject, sbom, signature) = ReferrersEmulationTests.SeedFallback(_registry);
        await using var gateway = await ReferrersMount.StartCollageAsync(_registry);

        using var answer = await ReferrersAnswer.SendAsync(gateway.Client, ReferrersMount.LocalPath(subject));

        answer.ShouldBeIndexOf(sbom.Descriptor(), signature.Descriptor());
        _tokens.Requests.Should().NotBeEmpty().And.OnlyContain(r => !r.HasHeader("Authorization"), "anonymous: no credentials configured");
        _registry.ReferrersRequests.Should().Contain(r => (r.Header("Authorization") ?? string.Empty).StartsWith("Bearer token-", StringComparison.Ordinal));
        _registry.ManifestRequests.Should().Contain(r => (r.Header("Authorization") ?? string.Empty).StartsWith("Bearer token-", StringComparison.Ordinal));
    }

    private bool Authorized(Microsoft.AspNetCore.Http.HttpRequest request) =>
        request.Headers.Authorization.ToString() is var authorization && authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            && _tokens.Issued.ContainsKey(authorization["Bearer ".Length..]);

    private string ChallengeFor(string repository) =>
        $"Bearer realm=\"{_tokens.BaseUri}token\",service=\"fake-registry\",scope=\"repository:{repository}:pull\"";

    private async Task<string> GetTokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/token?service={_collage.BaseUri.Authority}&scope=repository:{ReferrersMount.Local}:pull");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", ClientBasic);
        using var response = await _collage.Client.SendAsync(request);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("token").GetString()!;
    }
}
