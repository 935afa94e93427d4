using Collage.Tests.Access.Oidc;
using Collage.Transforms.Access;

namespace Collage.Tests.Access;

/// <summary>
/// <see cref="OidcTokens.LooksLikeJwt"/>, which tells a login's password that may be a JWT from one that is not: the
/// shape of a compact JWS only, no signature checked.
/// </summary>
public sealed class OidcTokensLooksLikeJwtTests
{
    // {"alg":"RS256"} and {"sub":"a"}, base64url.
    private const string Header = "eyJhbGciOiJSUzI1NiJ9";
    private const string Payload = "eyJzdWIiOiJhIn0";

    [Theory]
    [InlineData("")]
    [InlineData("wonderland")]
    [InlineData("pä:ss wört")]
    [InlineData("a.b.c")]
    [InlineData("correct.horse.battery")]
    [InlineData(Header + "." + Payload)]
    [InlineData(Header + "." + Payload + ".c2ln.c2ln")]
    [InlineData(Header + "." + Payload + ".c2ln.c2ln.c2ln")]
    [InlineData("." + Payload + ".c2ln")]
    [InlineData(Header + "..c2ln")]
    [InlineData(Header + "=." + Payload + ".c2ln")]
    [InlineData(Header + "." + Payload + ".c2 ln")]
    [InlineData(Header + "." + Payload + ".c2+n")]
    [InlineData("eyJ0eXAiOiJKV1QifQ." + Payload + ".c2ln")]
    [InlineData("eyJhbGciOjI1Nn0." + Payload + ".c2ln")]
    [InlineData("WyJhbGciXQ." + Payload + ".c2ln")]
    [InlineData("bm90IGpzb24." + Payload + ".c2ln")]
    public void LooksLikeJwt_NotACompactJws_False(string password)
    {
        // A header without alg ({"typ":"JWT"}), with a number for alg, a JSON array, or no JSON at all; a JWE (five
        // segments); padding, spaces or '+' (base64, not base64url); an empty header or payload.
        OidcTokens.LooksLikeJwt(password).Should().BeFalse();
    }

    [Fact]
    public void LooksLikeJwt_VeryLongPassword_False()
    {
        OidcTokens.LooksLikeJwt(Header + "." + new string('A', 20_000) + ".c2ln").Should().BeFalse();
    }

    [Theory]
    [InlineData(Header + "." + Payload + ".c2ln")]
    [InlineData(Header + "." + Payload + ".")]
    public void LooksLikeJwt_CompactJws_True(string password)
    {
        // An empty signature too: an unsecured JWT ("alg": "none") is a JWT, refused by the checks, not by its shape.
        OidcTokens.LooksLikeJwt(password).Should().BeTrue();
    }

    [Fact]
    public async Task LooksLikeJwt_MintedTokens_True()
    {
        await using var idp = await TestIdentityProvider.StartAsync();

        OidcTokens.LooksLikeJwt(idp.Mint("alice")).Should().BeTrue();
        OidcTokens.LooksLikeJwt(idp.Mint("alice", key: idp.EcKey, groups: ["a", "b"])).Should().BeTrue();
    }
}
