using System.Net;
using Collage.Tests.Access.Tokens;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// A token holds for <c>tokenLifetime</c> by the server's clock (a <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/>
/// here, moved by the test): a second before the end it opens, at the end it gets the challenge, also after it was used
/// and remembered; the client then fetches a fresh one.
/// </summary>
public sealed class TokenExpiryTests : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(90);
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await TokenGateway.StartAsync(access: a => a["tokenLifetime"] = "00:01:30");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Token_LifetimeFromConfig_InAnswerAndClaims()
    {
        var answer = await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")]);

        answer.ExpiresIn.Should().Be(90);
        var payload = ForgedTokens.Payload(answer.Token);
        ((long)payload["exp"]! - (long)payload["iat"]!).Should().Be(90);
        ((long)payload["iat"]!).Should().Be(_gateway.Time.GetUtcNow().ToUnixTimeSeconds());
    }

    [Fact]
    public async Task UsedToken_AtExpiry_401Challenge_NoUpstreamRequest_FreshTokenWorks()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;
        (await StatusAsync(token)).Should().Be(HttpStatusCode.OK, "used once: remembered from here on");

        _gateway.Time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        (await StatusAsync(token)).Should().Be(HttpStatusCode.OK, "a second before its end");
        var before = _gateway.UpstreamRequestsFor("internal/b");
        _gateway.Time.Advance(TimeSpan.FromSeconds(1));

        using var expired = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token);
        expired.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        expired.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer realm=").And.EndWith("scope=\"repository:internal/b:pull\"");
        _gateway.UpstreamRequestsFor("internal/b").Should().Be(before);

        var fresh = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;
        (await StatusAsync(fresh)).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task NeverUsedToken_PastExpiry_401()
    {
        var token = (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;

        _gateway.Time.Advance(Lifetime + TimeSpan.FromHours(1));

        (await StatusAsync(token)).Should().Be(HttpStatusCode.Unauthorized);
        (await StatusAsync(token, "/v2/")).Should().Be(HttpStatusCode.Unauthorized, "an expired token opens not even /v2/");
    }

    [Fact]
    public async Task AnonymousToken_Expires_TooButAnonymousPullNeedsNoToken()
    {
        var token = (await _gateway.Client.GetTokenAsync(null, [Pull("public/a")])).Token;
        _gateway.Time.Advance(Lifetime);

        (await StatusAsync(token, "/v2/public/a/manifests/v1")).Should().Be(HttpStatusCode.Unauthorized, "a token that fails is refused, not taken as anonymous");
        (await _gateway.Client.StatusAsync("/v2/public/a/manifests/v1", null)).Should().Be(HttpStatusCode.OK);
    }

    private async Task<HttpStatusCode> StatusAsync(string token, string path = "/v2/internal/b/manifests/v1")
    {
        using var response = await _gateway.Client.WithTokenAsync(path, token);
        return response.StatusCode;
    }
}
