using System.Net;
using Collage.Tests.Access.Tokens;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// The OAuth 2.0 form containerd speaks (POST <c>grant_type=password</c>, <c>grant_type=refresh_token</c>) and refresh
/// tokens: given only to users who ask, they buy new access tokens while their user is in the htpasswd file, and open
/// nothing themselves; an access token is no refresh token either.
/// </summary>
public sealed class RefreshTokenTests : IAsyncLifetime
{
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TokenGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task PostPasswordGrant_TokenPulls()
    {
        var answer = await _gateway.Client.PostTokenAsync(PasswordGrant(TokenGateway.Alice, false, Pull("internal/b")));

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.CacheControl.Should().Be("no-store");
        answer.RefreshToken.Should().BeNull("access_type=offline was not asked");
        using var response = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", answer.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("alice:wrong")]
    [InlineData("mallory:wonderland")]
    public async Task PostPasswordGrant_WrongLogin_401Basic(string credentials)
    {
        var answer = await _gateway.Client.PostTokenAsync(PasswordGrant(credentials, true, Pull("internal/b")));

        answer.Status.Should().Be(HttpStatusCode.Unauthorized);
        answer.WwwAuthenticate.Should().StartWith("Basic realm=\"Collage\"");
        answer.Body.Should().NotContain("token\":");
    }

    [Fact]
    public async Task PostRefreshGrant_NewTokenPulls_NoNewRefreshToken()
    {
        var first = await _gateway.Client.PostTokenAsync(PasswordGrant(TokenGateway.Alice, true, Pull("internal/b")));
        var refresh = first.RefreshToken;
        refresh.Should().NotBeNull();
        ((string?)ForgedTokens.Payload(refresh!)["use"]).Should().Be("refresh");
        ForgedTokens.Access(refresh!).Should().BeEmpty("a refresh token carries no grants");
        _gateway.Time.Advance(TimeSpan.FromMinutes(10));

        var renewed = await _gateway.Client.PostTokenAsync(RefreshGrant(refresh!, Pull("internal/b"), Pull("team/d")));

        renewed.Status.Should().Be(HttpStatusCode.OK);
        renewed.RefreshToken.Should().BeNull("the client keeps the refresh token it has");
        ForgedTokens.Access(renewed.Token).Should().Equal("repository:internal/b:pull");
        using var response = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", renewed.Token);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var old = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", first.Token);
        old.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the first access token expired meanwhile");
    }

    [Fact]
    public async Task GetWithOfflineToken_RefreshToken_AnonymousNone()
    {
        var user = await _gateway.Client.GetTokenAsync(TokenGateway.Bob, [Pull("library/c")], offline: true);
        var anonymous = await _gateway.Client.GetTokenAsync(null, [Pull("public/a")], offline: true);

        user.RefreshToken.Should().NotBeNull();
        anonymous.Status.Should().Be(HttpStatusCode.OK);
        anonymous.RefreshToken.Should().BeNull("only users get refresh tokens");
    }

    [Theory]
    [InlineData("/v2/")]
    [InlineData("/v2/library/c/manifests/v1")]
    [InlineData("/v2/public/a/manifests/v1")]
    [InlineData("/v2/_catalog")]
    public async Task RefreshTokenAsBearer_401Challenge_NoUpstreamRequest(string path)
    {
        var refresh = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("library/c"), "registry:catalog:*"], offline: true)).RefreshToken!;
        var before = _gateway.Upstream.Requests.Count;

        using var response = await _gateway.Client.WithTokenAsync(path, refresh);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer realm=");
        _gateway.Upstream.Requests.Count.Should().Be(before);
    }

    [Fact]
    public async Task AccessTokenAsRefreshToken_401()
    {
        var access = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")], offline: true)).Token;

        var answer = await _gateway.Client.PostTokenAsync(RefreshGrant(access, Pull("internal/b")));

        answer.Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_AfterTheUserWasRemovedFromHtpasswd_401_OthersStillRefresh()
    {
        var alice = (await _gateway.Client.PostTokenAsync(PasswordGrant(TokenGateway.Alice, true, Pull("internal/b")))).RefreshToken!;
        var bob = (await _gateway.Client.PostTokenAsync(PasswordGrant(TokenGateway.Bob, true, Pull("library/c")))).RefreshToken!;
        (await _gateway.Client.PostTokenAsync(RefreshGrant(alice, Pull("internal/b")))).Status.Should().Be(HttpStatusCode.OK);

        await File.WriteAllTextAsync(_gateway.Htpasswd, TokenGateway.BobLine + "\n");
        _gateway.Time.Advance(TimeSpan.FromSeconds(2));

        (await _gateway.Client.PostTokenAsync(RefreshGrant(alice, Pull("internal/b")))).Status.Should().Be(HttpStatusCode.Unauthorized);
        (await _gateway.Client.PostTokenAsync(RefreshGrant(bob, Pull("library/c")))).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Refresh_PastRefreshTokenLifetime_401()
    {
        var refresh = (await _gateway.Client.PostTokenAsync(PasswordGrant(TokenGateway.Bob, true))).RefreshToken!;
        var payload = ForgedTokens.Payload(refresh);
        ((long)payload["exp"]! - (long)payload["iat"]!).Should().Be((long)TimeSpan.FromDays(1).TotalSeconds);

        _gateway.Time.Advance(TimeSpan.FromDays(1));

        (await _gateway.Client.PostTokenAsync(RefreshGrant(refresh, Pull("library/c")))).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("grant_type=client_credentials&client_id=x")]
    [InlineData("grant_type=password&password=wonderland")]
    [InlineData("grant_type=refresh_token")]
    [InlineData("")]
    public async Task PostUnsupportedOrIncompleteGrant_400(string form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/token")
        {
            Content = new StringContent(form, System.Text.Encoding.ASCII, "application/x-www-form-urlencoded"),
        };

        using var response = await _gateway.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().NotContain("token\":");
    }
}
