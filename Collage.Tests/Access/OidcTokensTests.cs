using System.Security.Cryptography;
using System.Text;
using Collage.Tests.Access.Oidc;
using Collage.Tests.Common;
using Collage.Transforms.Access;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Access;

/// <summary>
/// <see cref="OidcTokens"/> against an in-process issuer (<see cref="TestIdentityProvider"/>, real Kestrel): which
/// tokens name a user and groups, and every kind of token that is refused.
/// </summary>
public sealed class OidcTokensTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<OidcTokens> _log = new();
    private TestIdentityProvider _idp = null!;
    private OidcTokens _tokens = null!;

    public async Task InitializeAsync()
    {
        _idp = await TestIdentityProvider.StartAsync(_time);
        _tokens = new OidcTokens(_idp.Options(), _time, _log);
    }

    public async Task DisposeAsync()
    {
        _tokens.Dispose();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task ValidateAsync_RsaToken_UserGroupsAndExpiry()
    {
        var login = await Validate(_idp.Mint("ci-robot", groups: ["platform", "builders"], lifetime: TimeSpan.FromMinutes(10)));

        login.Should().NotBeNull();
        login!.User.Should().Be("ci-robot");
        login.Groups.Should().Equal("platform", "builders");
        login.ExpiresAt.Should().Be(DateTimeOffset.FromUnixTimeSeconds((_time.GetUtcNow() + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task ValidateAsync_EcToken_User()
    {
        (await Validate(_idp.Mint("alice", key: _idp.EcKey)))?.User.Should().Be("alice");
    }

    [Fact]
    public async Task ValidateAsync_GroupsIsOneString_GroupOfOne()
    {
        var login = await Validate(_idp.Mint("alice", claims: new Dictionary<string, object?> { ["groups"] = "platform" }));

        login!.Groups.Should().Equal("platform");
    }

    [Fact]
    public async Task ValidateAsync_NoGroupsClaim_NoGroups()
    {
        (await Validate(_idp.Mint("alice")))!.Groups.Should().BeEmpty();
    }

    [Fact]
    public async Task ValidateAsync_OtherUserAndGroupsClaims_ReadFromThem()
    {
        using var tokens = new OidcTokens(_idp.Options() with { UserClaim = "preferred_username", GroupsClaim = "roles" }, _time, _log);
        var token = _idp.Mint("f3a9-uuid", groups: ["ignored"], claims: new Dictionary<string, object?> { ["preferred_username"] = "alice", ["roles"] = new[] { "admins" } });

        var login = await tokens.ValidateAsync(token, CancellationToken.None);

        login!.User.Should().Be("alice");
        login.Groups.Should().Equal("admins");
    }

    [Fact]
    public async Task ValidateAsync_AudienceListNamingCollage_User()
    {
        var token = _idp.Mint("alice", claims: new Dictionary<string, object?> { ["aud"] = new[] { "kubernetes", "collage" } });

        (await Validate(token))!.User.Should().Be("alice");
    }

    [Fact]
    public async Task ValidateAsync_WrongAudience_Null()
    {
        (await Validate(_idp.Mint("alice", audience: "kubernetes"))).Should().BeNull();
        (await Validate(_idp.Mint("alice", claims: new Dictionary<string, object?> { ["aud"] = null }))).Should().BeNull("no audience at all");
    }

    [Fact]
    public async Task ValidateAsync_WrongIssuer_Null()
    {
        (await Validate(_idp.Mint("alice", claims: new Dictionary<string, object?> { ["iss"] = "https://idp.elsewhere" }))).Should().BeNull();
        (await Validate(_idp.Mint("alice", claims: new Dictionary<string, object?> { ["iss"] = _idp.Issuer + "/" }))).Should().BeNull("the issuer is compared exactly");
    }

    [Fact]
    public async Task ValidateAsync_Expired_AcceptedWithinTheSkewThenNull()
    {
        var token = _idp.Mint("alice", lifetime: TimeSpan.FromMinutes(5));
        var other = _idp.Mint("bob", lifetime: TimeSpan.FromMinutes(5));
        (await Validate(token)).Should().NotBeNull();

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30));
        (await Validate(other)).Should().NotBeNull("30 s past exp is within the 1 min skew");

        _time.Advance(TimeSpan.FromSeconds(31));
        (await Validate(token)).Should().BeNull("a remembered token ends at its exp too");
        (await Validate(other)).Should().BeNull();
        _log.Entries.Should().Contain(e => e.Message.Contains(nameof(Microsoft.IdentityModel.Tokens.SecurityTokenExpiredException), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateAsync_NotYetValid_NullUntilWithinTheSkew()
    {
        var token = _idp.Mint("alice", lifetime: TimeSpan.FromHours(1), claims: new Dictionary<string, object?> { ["nbf"] = (_time.GetUtcNow() + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds() });

        (await Validate(token)).Should().BeNull();
        _time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1));
        (await Validate(token)).Should().NotBeNull("59 s before nbf is within the skew");
    }

    [Fact]
    public async Task ValidateAsync_NoExpiry_Null()
    {
        (await Validate(_idp.Mint("alice", claims: new Dictionary<string, object?> { ["exp"] = null }))).Should().BeNull();
    }

    [Fact]
    public async Task ValidateAsync_SignedByKeyNotInJwks_Null()
    {
        var sameKid = _idp.Rogue("rsa-1");
        var newKid = _idp.Rogue("rsa-forged");

        (await Validate(_idp.Mint("alice", key: sameKid))).Should().BeNull("the published rsa-1 does not verify it");
        (await Validate(_idp.Mint("alice", key: newKid))).Should().BeNull("the JWKS, read again, has no such key");
        (await Validate(_idp.Mint("alice", key: _idp.Rogue("ec-1", ec: true)))).Should().BeNull();
    }

    [Fact]
    public async Task ValidateAsync_AlgNone_Null()
    {
        var token = TestIdentityProvider.Encode(new Dictionary<string, object?> { ["alg"] = "none", ["typ"] = "JWT" }, _idp.Claims("alice"), _ => []);

        token.Should().EndWith(".", "an unsecured JWT has an empty signature");
        (await Validate(token)).Should().BeNull();
        (await Validate(token + "c2ln")).Should().BeNull("nor with some signature");
    }

    [Fact]
    public async Task ValidateAsync_Hs256WithThePublicKeyAsSecret_Null()
    {
        var header = new Dictionary<string, object?> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = _idp.RsaKey.Kid };
        var pem = Encoding.ASCII.GetBytes(_idp.RsaKey.PublicKeyPem);

        (await Validate(TestIdentityProvider.Encode(header, _idp.Claims("alice"), data => HMACSHA256.HashData(pem, data)))).Should().BeNull();
    }

    [Fact]
    public async Task ValidateAsync_AlgorithmOtherThanRs256OrEs256_Null()
    {
        var header = new Dictionary<string, object?> { ["alg"] = "RS512", ["typ"] = "JWT", ["kid"] = _idp.RsaKey.Kid };

        var token = TestIdentityProvider.Encode(header, _idp.Claims("alice"), data => _idp.RsaKey.Sign(data, HashAlgorithmName.SHA512));

        (await Validate(token)).Should().BeNull("a published key, a good signature, but an algorithm not allowed");
    }

    [Fact]
    public async Task ValidateAsync_TamperedPayload_Null()
    {
        var genuine = _idp.Mint("bob", groups: ["users"]).Split('.');
        var forged = TestIdentityProvider.Encode(TestIdentityProvider.Header(_idp.RsaKey), _idp.Claims("bob", groups: ["admins"]), _ => []).Split('.');

        (await Validate($"{genuine[0]}.{forged[1]}.{genuine[2]}")).Should().BeNull();
        (await Validate($"{genuine[0]}.{genuine[1]}.{genuine[2]}")).Should().NotBeNull("the genuine token, for contrast");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task ValidateAsync_UserClaimMissingOrEmpty_Null(string? subject)
    {
        var token = subject is null ? _idp.Mint(null) : _idp.Mint(subject);

        (await Validate(token)).Should().BeNull();
        _log.Entries.Should().Contain(e => e.Message.Contains("no 'sub' claim", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ValidateAsync_UserClaimIsAnObject_Null()
    {
        var token = _idp.Mint(null, claims: new Dictionary<string, object?> { ["sub"] = new Dictionary<string, string> { ["name"] = "alice" } });

        (await Validate(token)).Should().BeNull();
    }

    [Theory]
    [InlineData("wonderland")]
    [InlineData("a.b.c")]
    [InlineData("")]
    public async Task ValidateAsync_NotAJwt_NullWithoutAskingTheIssuer(string password)
    {
        (await Validate(password)).Should().BeNull();

        _idp.Requests.Should().Be(0);
    }

    private ValueTask<OidcLogin?> Validate(string token) => _tokens.ValidateAsync(token, CancellationToken.None);
}
