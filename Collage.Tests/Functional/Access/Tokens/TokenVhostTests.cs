using System.Net;
using Collage.Tests.Access.Tokens;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// A token holds on the vhost it was issued on only. Without <c>publicUrl</c> the vhosts are different services (the
/// audience differs); with one <c>publicUrl</c> for all, only the token's <c>map</c> claim tells them apart, and it must.
/// The user may pull the repository on both vhosts, so only the token's origin decides.
/// </summary>
public sealed class TokenVhostTests : IAsyncLifetime
{
    private TokenGateway _byHost = null!;
    private TokenGateway _onePublicUrl = null!;

    public async Task InitializeAsync()
    {
        _byHost = await TokenGateway.StartAsync(root: Vhosts);
        _onePublicUrl = await TokenGateway.StartAsync(root: c =>
        {
            Vhosts(c);
            c["publicUrl"] = "https://registry.corp.lan";
        });
    }

    public async Task DisposeAsync()
    {
        await _byHost.DisposeAsync();
        await _onePublicUrl.DisposeAsync();
    }

    [Fact]
    public async Task TokenFromA_OnB_401_NoUpstreamRequest_OnA_200()
    {
        var token = (await _byHost.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")], host: "a.lan")).Token;
        ((string?)ForgedTokens.Payload(token)["aud"]).Should().Be("a.lan");

        (await StatusAsync(_byHost, token, "a.lan")).Should().Be(HttpStatusCode.OK);
        var before = _byHost.UpstreamRequestsFor("internal/b");
        using var onB = await _byHost.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token, host: "b.lan");

        onB.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        onB.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer realm=\"http://b.lan/v2/token\",service=\"b.lan\"");
        _byHost.UpstreamRequestsFor("internal/b").Should().Be(before);
        (await StatusAsync(_byHost, token, null)).Should().Be(HttpStatusCode.Unauthorized, "nor on the global mappings");
    }

    [Fact]
    public async Task SamePublicUrl_TokenFromA_OnB_401_ByItsMap()
    {
        var token = (await _onePublicUrl.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")], host: "a.lan")).Token;
        var payload = ForgedTokens.Payload(token);
        ((string?)payload["aud"]).Should().Be("registry.corp.lan", "one service for every vhost");
        ((string?)payload["map"]).Should().Be("a.lan");

        (await StatusAsync(_onePublicUrl, token, "a.lan")).Should().Be(HttpStatusCode.OK);
        var before = _onePublicUrl.UpstreamRequestsFor("internal/b");

        (await StatusAsync(_onePublicUrl, token, "b.lan")).Should().Be(HttpStatusCode.Unauthorized);
        (await StatusAsync(_onePublicUrl, token, null)).Should().Be(HttpStatusCode.Unauthorized);
        _onePublicUrl.UpstreamRequestsFor("internal/b").Should().Be(before);
    }

    [Fact]
    public async Task RefreshTokenFromA_AtBsTokenEndpoint_401()
    {
        var refresh = (await _onePublicUrl.Client.GetTokenAsync(TokenGateway.Alice, [], host: "a.lan", offline: true)).RefreshToken;
        refresh.Should().NotBeNull();

        var onB = await _onePublicUrl.Client.PostTokenAsync(RefreshGrant(refresh!, Pull("internal/b")), host: "b.lan");
        var onA = await _onePublicUrl.Client.PostTokenAsync(RefreshGrant(refresh!, Pull("internal/b")), host: "a.lan");

        onB.Status.Should().Be(HttpStatusCode.Unauthorized);
        onA.Status.Should().Be(HttpStatusCode.OK);
        ((string?)ForgedTokens.Payload(onA.Token)["map"]).Should().Be("a.lan");
    }

    private static void Vhosts(Dictionary<string, object?> config)
    {
        var mappings = config["mappings"];
        config["vhosts"] = new Dictionary<string, object>
        {
            ["a.lan"] = new { mappings },
            ["b.lan"] = new { mappings },
        };
    }

    private static async Task<HttpStatusCode> StatusAsync(TokenGateway gateway, string token, string? host)
    {
        using var response = await gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token, host: host);
        return response.StatusCode;
    }
}
