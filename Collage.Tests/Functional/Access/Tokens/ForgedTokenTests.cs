using System.Net;
using System.Security.Cryptography;
using System.Text;
using Collage.Tests.Access.Tokens;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// Forged tokens over HTTP, made from a genuine one (so every claim is right but the signature): signed by another
/// key, <c>alg: none</c>, HS256 keyed by the server's public RSA key, a grant added under the original signature, and a
/// genuine token of another Collage. Each gets 401 with the challenge and never reaches the upstream.
/// </summary>
public sealed class ForgedTokenTests : IAsyncLifetime
{
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"collage-token-key-{Guid.NewGuid():N}.pem");
    private readonly RSA _serverKey = RSA.Create(2048);
    private TokenGateway _gateway = null!;
    private TokenGateway _other = null!;

    public static TheoryData<string> Forgeries => ["another EC key", "another RSA key", "embedded jwk", "alg none", "alg none, signature kept", "HS256 with the public key PEM", "HS256 with the public key DER", "grant added", "other Collage"];

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_keyFile, _serverKey.ExportPkcs8PrivateKeyPem());
        _gateway = await TokenGateway.StartAsync(access: a => a["tokenKey"] = _keyFile);
        _other = await TokenGateway.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _other.DisposeAsync();
        _serverKey.Dispose();
        File.Delete(_keyFile);
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedBearer_401Challenge_NoUpstreamRequest(string forgery)
    {
        // Bob's genuine token for library/c; each forgery tries to open internal/b (bob may not pull it, so a forgery
        // that passed would show as 200, and the refusal must be the challenge, not bob's 404).
        var genuine = (await _gateway.Client.GetTokenAsync(TokenGateway.Bob, [Pull("library/c")])).Token;
        var forged = await ForgeAsync(forgery, genuine);

        using var response = await _gateway.Client.WithTokenAsync("/v2/library/c/manifests/v1", forged);
        using var internalB = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", forged);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, forgery);
        response.Headers.WwwAuthenticate.ToString().Should().StartWith("Bearer realm=").And.EndWith("scope=\"repository:library/c:pull\"");
        internalB.StatusCode.Should().Be(HttpStatusCode.Unauthorized, forgery);
        _gateway.UpstreamRequestsFor("library/c").Should().Be(0);
        _gateway.UpstreamRequestsFor("internal/b").Should().Be(0);

        using var control = await _gateway.Client.WithTokenAsync("/v2/library/c/manifests/v1", genuine);
        control.StatusCode.Should().Be(HttpStatusCode.OK, "the genuine token it was made from works");
    }

    [Fact]
    public async Task ForgedRefreshToken_AtTokenEndpoint_401()
    {
        var refresh = (await _gateway.Client.GetTokenAsync(TokenGateway.Bob, [], offline: true)).RefreshToken!;
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var asAlice = ForgedTokens.SignedBy(refresh, attacker, p => p["sub"] = "alice");
        var unsigned = ForgedTokens.Unsigned(ForgedTokens.Tampered(refresh, p => p["sub"] = "alice"));

        (await _gateway.Client.PostTokenAsync(RefreshGrant(asAlice, Pull("internal/b")))).Status.Should().Be(HttpStatusCode.Unauthorized);
        (await _gateway.Client.PostTokenAsync(RefreshGrant(unsigned, Pull("internal/b")))).Status.Should().Be(HttpStatusCode.Unauthorized);
        (await _gateway.Client.PostTokenAsync(RefreshGrant(ForgedTokens.Tampered(refresh, p => p["sub"] = "alice"), Pull("internal/b")))).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("Bearer ")]
    [InlineData("Bearer not-a-jwt")]
    [InlineData("Bearer a.b.c")]
    [InlineData("bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJjb2xsYWdlIn0.")]
    public async Task MalformedBearer_401(string authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/library/c/manifests/v1");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await _gateway.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _gateway.UpstreamRequestsFor("library/c").Should().Be(0);
    }

    private async Task<string> ForgeAsync(string forgery, string genuine)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);
        var grant = (Action<System.Text.Json.Nodes.JsonObject>)(p => p["access"]!.AsArray().Add(ForgedTokens.Pull("internal/b")));
        return forgery switch
        {
            "another EC key" => ForgedTokens.SignedBy(genuine, ec, grant),
            "another RSA key" => ForgedTokens.SignedBy(ForgedTokens.Tampered(genuine, grant), rsa),
            "embedded jwk" => ForgedTokens.SignedBy(genuine, ec, grant, h => h["jwk"] = new System.Text.Json.Nodes.JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["x"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(ec.ExportParameters(false).Q.X),
                ["y"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(ec.ExportParameters(false).Q.Y),
            }),
            "alg none" => ForgedTokens.Unsigned(ForgedTokens.Tampered(genuine, grant)),
            "alg none, signature kept" => ForgedTokens.Unsigned(genuine, "none", genuine.Split('.')[2]),
            "HS256 with the public key PEM" => ForgedTokens.Hs256(ForgedTokens.Tampered(genuine, grant), Encoding.ASCII.GetBytes(_serverKey.ExportSubjectPublicKeyInfoPem())),
            "HS256 with the public key DER" => ForgedTokens.Hs256(ForgedTokens.Tampered(genuine, grant), _serverKey.ExportSubjectPublicKeyInfo()),
            "grant added" => ForgedTokens.Tampered(genuine, grant),
            _ => (await _other.Client.GetTokenAsync(TokenGateway.Bob, [Pull("library/c")], host: _gateway.Collage.BaseUri.Authority)).Token,
        };
    }
}
