using System.Net;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// A token opens the repositories it names and no other: one for repository A used on B gets the challenge for B
/// (even when its user may pull B: fetch a token with that scope), or B's unknown-name answer when its user may not;
/// in both cases no request for B reaches the upstream.
/// </summary>
public sealed class TokenRepositoryScopeTests : IAsyncLifetime
{
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TokenGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public static TheoryData<string> OtherRepositoryPaths => new()
    {
        "/v2/internal/other/manifests/v1",
        $"/v2/internal/other/blobs/{AccessUpstream.BlobDigest}",
        "/v2/internal/other/tags/list",
        $"/v2/internal/other/referrers/{AccessUpstream.ManifestDigest}",
        "/v2/library/c/manifests/v1",
    };

    [Theory]
    [MemberData(nameof(OtherRepositoryPaths))]
    public async Task TokenForA_OnBGrantedToTheUser_401ChallengeForB_NoUpstreamRequest(string path)
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;
        var name = path.StartsWith("/v2/library/", StringComparison.Ordinal) ? "library/c" : "internal/other";

        using var response = await _gateway.Client.WithTokenAsync(path, token);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().Be(
            $"Bearer realm=\"{_gateway.Collage.BaseUri.GetLeftPart(UriPartial.Authority)}/v2/token\",service=\"{_gateway.Collage.BaseUri.Authority}\",scope=\"repository:{name}:pull\"");
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"code\":\"UNAUTHORIZED\"");
        _gateway.UpstreamRequestsFor(name).Should().Be(0);
    }

    [Fact]
    public async Task TokenForA_OnA_Answered_OnB_Refused_SameToken()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;

        using var onA = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token);
        using var onB = await _gateway.Client.WithTokenAsync("/v2/internal/bb/manifests/v1", token);
        using var onPrefix = await _gateway.Client.WithTokenAsync("/v2/internal/manifests/v1", token);

        onA.StatusCode.Should().Be(HttpStatusCode.OK);
        onB.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a name that starts like A is another name");
        onPrefix.StatusCode.Should().Be(HttpStatusCode.NotFound, "internal/** does not hold internal itself, and alice logged in");
        _gateway.UpstreamRequestsFor("internal/bb").Should().Be(0);
        _gateway.Upstream.Requests.Should().NotContain(r => r.Path.StartsWith("/v2/up/internal/manifests/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BobsToken_OnARepositoryBobMayNotPull_NameUnknown_NoUpstreamRequest()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Bob, [Pull("library/c"), Pull("internal/b")])).Token;

        using var response = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound, "bob logged in: a forbidden name answers like an unknown one");
        (await response.Content.ReadAsStringAsync()).Should().Contain("NAME_UNKNOWN");
        response.Headers.WwwAuthenticate.Should().BeEmpty();
        _gateway.UpstreamRequestsFor("internal/b").Should().Be(0);
    }

    [Fact]
    public async Task TokenWithTwoScopes_OpensBoth()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b"), Pull("library/c")])).Token;

        using var first = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token);
        using var second = await _gateway.Client.WithTokenAsync("/v2/library/c/manifests/v1", token);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
