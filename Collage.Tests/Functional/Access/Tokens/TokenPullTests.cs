using System.Net;
using Collage.Tests.Access.Tokens;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// The token login clients do after Collage's challenge: GET <c>/v2/token</c> with Basic credentials, then every request
/// of the pull (manifest, blob, tags, referrers, HEAD and GET) with <c>Authorization: Bearer</c>, no password again.
/// </summary>
public sealed class TokenPullTests : IAsyncLifetime
{
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TokenGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/v2/internal/b/manifests/v1" },
        { "HEAD", "/v2/internal/b/manifests/v1" },
        { "GET", $"/v2/internal/b/manifests/{AccessUpstream.ManifestDigest}" },
        { "GET", $"/v2/internal/b/blobs/{AccessUpstream.BlobDigest}" },
        { "HEAD", $"/v2/internal/b/blobs/{AccessUpstream.BlobDigest}" },
        { "GET", "/v2/internal/b/tags/list" },
        { "GET", $"/v2/internal/b/referrers/{AccessUpstream.ManifestDigest}" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task BasicAtTokenEndpoint_ThenBearer_Answered(string method, string path)
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;

        using var response = await _gateway.Client.WithTokenAsync(path, token, new HttpMethod(method));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.WwwAuthenticate.Should().BeEmpty();
        _gateway.UpstreamRequestsFor("internal/b").Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task Pull_ManifestThenBlob_Bodies()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;

        using var manifest = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token);
        using var blob = await _gateway.Client.WithTokenAsync($"/v2/internal/b/blobs/{AccessUpstream.BlobDigest}", token);
        using var tags = await _gateway.Client.WithTokenAsync("/v2/internal/b/tags/list", token);

        (await manifest.Content.ReadAsByteArrayAsync()).Should().Equal(AccessUpstream.Manifest);
        (await blob.Content.ReadAsByteArrayAsync()).Should().Equal(AccessUpstream.Blob);
        (await tags.Content.ReadAsStringAsync()).Should().Contain("\"tags\":[\"v1\"]");
    }

    [Fact]
    public async Task TokenAnswer_Fields_NoStore()
    {
        var before = _gateway.Time.GetUtcNow();
        var answer = await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")]);

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.CacheControl.Should().Be("no-store");
        answer.ExpiresIn.Should().Be(300, "tokenLifetime defaults to 5 min");
        DateTimeOffset.Parse(answer.IssuedAt, System.Globalization.CultureInfo.InvariantCulture).Should().BeCloseTo(before, TimeSpan.FromSeconds(1), "issued_at is the server's clock");
        answer.RefreshToken.Should().BeNull("none was asked for");
        var payload = ForgedTokens.Payload(answer.Token);
        ((string?)payload["sub"]).Should().Be("alice");
        ((string?)payload["iss"]).Should().Be("collage");
        ((string?)payload["aud"]).Should().Be(_gateway.Collage.BaseUri.Authority);
    }

    [Fact]
    public async Task Base_WithToken_200_WithoutAnything_401Challenge()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Bob, [])).Token;

        using var withToken = await _gateway.Client.WithTokenAsync("/v2/", token);
        using var without = await _gateway.Client.SendAsync(AccessClient.Request("/v2/", null));

        withToken.StatusCode.Should().Be(HttpStatusCode.OK);
        without.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        without.Headers.WwwAuthenticate.ToString().Should().Be($"Bearer realm=\"{_gateway.Collage.BaseUri.GetLeftPart(UriPartial.Authority)}/v2/token\",service=\"{_gateway.Collage.BaseUri.Authority}\"");
    }

    [Fact]
    public async Task AnonymousToken_PublicRepository_Pulls_InternalDoesNot()
    {
        var answer = await _gateway.Client.GetTokenAsync(null, [Pull("public/a"), Pull("internal/b")]);

        ForgedTokens.Access(answer.Token).Should().Equal("repository:public/a:pull");
        ForgedTokens.Payload(answer.Token).ContainsKey("sub").Should().BeFalse();
        using var granted = await _gateway.Client.WithTokenAsync("/v2/public/a/manifests/v1", answer.Token);
        using var refused = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", answer.Token);

        granted.StatusCode.Should().Be(HttpStatusCode.OK);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().Should().EndWith("scope=\"repository:internal/b:pull\"");
        _gateway.UpstreamRequestsFor("internal/b").Should().Be(0);
    }

    [Fact]
    public async Task WrongPassword_401BasicChallenge_NoToken()
    {
        var answer = await _gateway.Client.GetTokenAsync("alice:wrong", [Pull("internal/b")]);

        answer.Status.Should().Be(HttpStatusCode.Unauthorized);
        answer.WwwAuthenticate.Should().Be("Basic realm=\"Collage\", charset=\"UTF-8\"");
        answer.Body.Should().Contain("\"code\":\"UNAUTHORIZED\"").And.NotContain("token\":");
        answer.CacheControl.Should().Be("no-store");
    }
}
