using System.Security.Cryptography;
using Collage.Transforms.Access;
using Collage.Transforms.Access.Tokens;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Tests.Access.Tokens;

/// <summary>
/// <see cref="AccessTokens"/>: what is minted checks back to the same grants, for its audience only, until it expires
/// by the <see cref="TimeProvider"/>, and a remembered token is held to the same rules as a fresh one.
/// </summary>
public sealed class AccessTokensTests : IDisposable
{
    private const string Audience = "registry.corp.lan";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-access-tokens-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly AccessOptions _options = new();
    private readonly AccessTokens _tokens;
    private int _writes;

    public AccessTokensTests()
    {
        _tokens = new AccessTokens(new TokenSigningKeys(_time), _time);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task MintThenCheck_SameGrants()
    {
        var grant = Alice(["internal/b", "library/c"], catalog: true);

        var jwt = _tokens.Mint(grant, Audience, _options);
        var token = await _tokens.CheckAsync(jwt, Audience, _options);

        token.Should().NotBeNull();
        token!.Identity.User.Should().Be("alice");
        token.Identity.Groups.Should().BeEquivalentTo(["platform", "readers"]);
        token.Map.Should().Be("a.lan");
        token.Pull.Should().BeEquivalentTo(["internal/b", "library/c"]);
        token.Catalog.Should().BeTrue();
        token.IsRefresh.Should().BeFalse();
        token.ExpiresAt.Should().Be(DateTimeOffset.FromUnixTimeSeconds(grant.ExpiresAt.ToUnixTimeSeconds()));
        token.Grants(AccessAction.Pull, "internal/b").Should().BeTrue();
        token.Grants(AccessAction.Pull, "internal/x").Should().BeFalse();
        token.Grants(AccessAction.Catalog, string.Empty).Should().BeTrue();

        var header = ForgedTokens.Header(jwt);
        var payload = ForgedTokens.Payload(jwt);
        ((string?)header["alg"]).Should().Be("ES256");
        ((string?)payload["iss"]).Should().Be(AccessTokens.Issuer);
        ((string?)payload["aud"]).Should().Be(Audience);
        ((string?)payload["sub"]).Should().Be("alice");
        ((string?)payload["use"]).Should().Be("access");
        ((long)payload["exp"]!).Should().Be(((long)payload["iat"]!) + (long)Lifetime.TotalSeconds);
        ForgedTokens.Access(jwt).Should().Equal("repository:internal/b:pull", "repository:library/c:pull", "registry:catalog:*");
    }

    [Fact]
    public async Task MintThenCheck_Anonymous_NoSubject()
    {
        var jwt = _tokens.Mint(new AccessToken(AccessIdentity.Anonymous, "global", new HashSet<string> { "public/a" }, false, _time.GetUtcNow() + Lifetime, false), Audience, _options);

        var token = await _tokens.CheckAsync(jwt, Audience, _options);

        token!.Identity.IsAnonymous.Should().BeTrue();
        ForgedTokens.Payload(jwt).ContainsKey("sub").Should().BeFalse();
        token.Pull.Should().Equal("public/a");
    }

    [Fact]
    public async Task Check_WrongAudience_Null_FreshAndRemembered()
    {
        var fresh = _tokens.Mint(Alice(["internal/b"]), Audience, _options);
        var remembered = _tokens.Mint(Alice(["internal/b"]), Audience, _options);
        (await _tokens.CheckAsync(remembered, Audience, _options)).Should().NotBeNull();

        (await _tokens.CheckAsync(fresh, "other.corp.lan", _options)).Should().BeNull();
        (await _tokens.CheckAsync(remembered, "other.corp.lan", _options)).Should().BeNull("the remembered check knows its audience");
        (await _tokens.CheckAsync(fresh, Audience.ToUpperInvariant(), _options)).Should().BeNull();
        (await _tokens.CheckAsync(fresh, Audience, _options)).Should().NotBeNull("the failed checks did not spoil it");
    }

    [Fact]
    public async Task Check_AtExpiry_Null_ASecondBefore_Valid()
    {
        var jwt = _tokens.Mint(Alice(["internal/b"]), Audience, _options);
        var other = _tokens.Mint(Alice(["internal/b"]), Audience, _options);

        _time.Advance(Lifetime - TimeSpan.FromSeconds(1));
        (await _tokens.CheckAsync(jwt, Audience, _options)).Should().NotBeNull();

        _time.Advance(TimeSpan.FromSeconds(1));
        (await _tokens.CheckAsync(other, Audience, _options)).Should().BeNull("expired by the TimeProvider, never checked before");
    }

    [Fact]
    public async Task Check_RememberedToken_StillExpires()
    {
        var jwt = _tokens.Mint(Alice(["internal/b"]), Audience, _options);
        (await _tokens.CheckAsync(jwt, Audience, _options)).Should().NotBeNull();
        (await _tokens.CheckAsync(jwt, Audience, _options)).Should().NotBeNull("remembered");

        _time.Advance(Lifetime);

        (await _tokens.CheckAsync(jwt, Audience, _options)).Should().BeNull();
        _time.Advance(TimeSpan.FromDays(1));
        (await _tokens.CheckAsync(jwt, Audience, _options)).Should().BeNull();
    }

    [Fact]
    public async Task Check_RefreshToken_ReadAsRefresh_GrantsNothing()
    {
        var jwt = _tokens.Mint(Alice(["internal/b"], catalog: true) with { IsRefresh = true }, Audience, _options);

        var token = await _tokens.CheckAsync(jwt, Audience, _options);

        token!.IsRefresh.Should().BeTrue();
        ((string?)ForgedTokens.Payload(jwt)["use"]).Should().Be("refresh");
        token.Grants(AccessAction.Pull, "internal/b").Should().BeFalse();
        token.Grants(AccessAction.Catalog, string.Empty).Should().BeFalse();
    }

    [Fact]
    public async Task Check_RsaKeyFile_RS256_NotAcceptedUnderTheGeneratedKey()
    {
        var withFile = _options with { TokenKey = WriteKey(TokenKeyFiles.RsaPkcs1(2048)) };

        var jwt = _tokens.Mint(Alice(["internal/b"]), Audience, withFile);

        ((string?)ForgedTokens.Header(jwt)["alg"]).Should().Be("RS256");
        (await _tokens.CheckAsync(jwt, Audience, withFile)).Should().NotBeNull();
        (await new AccessTokens(new TokenSigningKeys(_time), _time).CheckAsync(jwt, Audience, _options)).Should().BeNull();
    }

    [Fact]
    public async Task Check_OldKeyAcceptedAfterOneRotation_NotAfterTwo()
    {
        var options = _options with { TokenKey = WriteKey(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)) };
        var jwt = _tokens.Mint(Alice(["internal/b"]), Audience, options);
        WriteKey(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256));
        _time.Advance(TimeSpan.FromSeconds(5));

        (await _tokens.CheckAsync(_tokens.Mint(Alice(["internal/b"]), Audience, options), Audience, options)).Should().NotBeNull("the new key signs");
        var afterOne = _tokens.Mint(Alice(["internal/b"]), Audience, options);
        WriteKey(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256));
        _time.Advance(TimeSpan.FromSeconds(5));

        (await _tokens.CheckAsync(afterOne, Audience, options)).Should().NotBeNull("signed by the key just replaced");
        (await _tokens.CheckAsync(jwt, Audience, options)).Should().BeNull("its key is two rotations old");
    }

    [Fact]
    public async Task Check_RememberedToken_RefusedOnceItsKeyIsNoLongerAccepted()
    {
        // A key rotated away (a leaked one, say) must take its tokens with it, also the ones checked before.
        var options = _options with { TokenKey = WriteKey(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)) };
        var jwt = _tokens.Mint(Alice(["internal/b"]), Audience, options);
        (await _tokens.CheckAsync(jwt, Audience, options)).Should().NotBeNull();

        WriteKey(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256));
        _time.Advance(TimeSpan.FromSeconds(5));
        (await _tokens.CheckAsync(jwt, Audience, options)).Should().NotBeNull("its key was just replaced: still accepted");
        WriteKey(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256));
        _time.Advance(TimeSpan.FromSeconds(5));

        (await _tokens.CheckAsync(jwt, Audience, options)).Should().BeNull("its key is no longer accepted");
    }

    [Fact]
    public async Task Check_RememberedGeneratedKeyToken_RefusedOnceAKeyFileIsConfigured()
    {
        var jwt = _tokens.Mint(Alice(["internal/b"]), Audience, _options);
        (await _tokens.CheckAsync(jwt, Audience, _options)).Should().NotBeNull();

        var withFile = _options with { TokenKey = WriteKey(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)) };

        (await _tokens.CheckAsync(jwt, Audience, withFile)).Should().BeNull("the generated key is not accepted under a key file");
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b.c")]
    [InlineData("e30.e30.")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.AAAA")]
    public async Task Check_Garbage_Null(string jwt)
    {
        (await _tokens.CheckAsync(jwt, Audience, _options)).Should().BeNull();
    }

    [Fact]
    public async Task Check_LongerThan8KiB_Null()
    {
        var grant = Alice([.. Enumerable.Range(0, 400).Select(i => $"team/repository-{i}")]);
        var jwt = _tokens.Mint(grant, Audience, _options);
        jwt.Length.Should().BeGreaterThan(8192);

        (await _tokens.CheckAsync(jwt, Audience, _options)).Should().BeNull();
    }

    private AccessToken Alice(string[] pull, bool catalog = false) =>
        new(new AccessIdentity("alice", new HashSet<string> { "platform", "readers" }), "a.lan", pull.ToHashSet(StringComparer.Ordinal), catalog, _time.GetUtcNow() + Lifetime, false);

    private string WriteKey(string pem)
    {
        var path = Path.Combine(_directory, "token-key.pem");
        File.WriteAllText(path, pem);
        File.SetLastWriteTimeUtc(path, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(++_writes));
        return path;
    }
}
