using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Collage.Transforms.Access;
using Collage.Transforms.Access.Tokens;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Tests.Access.Tokens;

/// <summary>
/// <see cref="AccessTokens.CheckAsync"/> against forgeries: a token signed by another key (with the right kid, or with
/// the attacker's key embedded), <c>alg: none</c>, HS256 keyed by the public key, a payload changed under the original
/// signature, another issuer or missing claims under the right key. Each is null; the genuine token next to it is not.
/// </summary>
public sealed class AccessTokensForgeryTests : IDisposable
{
    private const string Audience = "registry.corp.lan";

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-forgery-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TokenSigningKeys _keys;
    private readonly AccessTokens _tokens;
    private readonly AccessOptions _ec = new();
    private readonly AccessOptions _rsa;

    public AccessTokensForgeryTests()
    {
        _keys = new TokenSigningKeys(_time);
        _tokens = new AccessTokens(_keys, _time);
        var rsaFile = Path.Combine(_directory, "rsa.pem");
        File.WriteAllText(rsaFile, TokenKeyFiles.RsaPkcs8(2048));
        _rsa = new AccessOptions { TokenKey = rsaFile };
    }

    public static TheoryData<string> Keys => ["ec", "rsa"];

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task Check_SignedByAnotherEcKey_SameKid_Null(string kind)
    {
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var genuine = Mint(kind);

        await RefusedAsync(kind, ForgedTokens.SignedBy(genuine, attacker), genuine);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task Check_SignedByAnotherRsaKey_Null(string kind)
    {
        using var attacker = RSA.Create(2048);
        var genuine = Mint(kind);

        await RefusedAsync(kind, ForgedTokens.SignedBy(genuine, attacker), genuine);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task Check_AttackerKeyEmbeddedAsJwk_Null(string kind)
    {
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var point = attacker.ExportParameters(false).Q;
        var genuine = Mint(kind);

        var forged = ForgedTokens.SignedBy(genuine, attacker, header: h =>
        {
            h.Remove("kid");
            h["jwk"] = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(point.X), ["y"] = Base64UrlEncoder.Encode(point.Y) };
        });

        await RefusedAsync(kind, forged, genuine);
    }

    [Theory]
    [InlineData("ec", "none", false)]
    [InlineData("ec", "None", false)]
    [InlineData("ec", "NONE", false)]
    [InlineData("ec", "none", true)]
    [InlineData("rsa", "none", false)]
    [InlineData("rsa", "none", true)]
    public async Task Check_AlgNone_Null(string kind, string alg, bool keepSignature)
    {
        var genuine = Mint(kind);

        await RefusedAsync(kind, ForgedTokens.Unsigned(genuine, alg, keepSignature ? genuine.Split('.')[2] : string.Empty), genuine);
    }

    [Theory]
    [InlineData("ec", "spki-der")]
    [InlineData("ec", "spki-pem")]
    [InlineData("ec", "point")]
    [InlineData("rsa", "spki-der")]
    [InlineData("rsa", "spki-pem")]
    [InlineData("rsa", "pkcs1-der")]
    [InlineData("rsa", "pkcs1-pem")]
    [InlineData("rsa", "modulus")]
    public async Task Check_Hs256KeyedByThePublicKey_Null(string kind, string form)
    {
        var genuine = Mint(kind);
        var key = _keys.Signing(Options(kind)).Key;
        byte[] secret = key switch
        {
            ECDsaSecurityKey ec => form switch
            {
                "spki-der" => ec.ECDsa.ExportSubjectPublicKeyInfo(),
                "spki-pem" => Encoding.ASCII.GetBytes(ec.ECDsa.ExportSubjectPublicKeyInfoPem()),
                _ => [0x04, .. ec.ECDsa.ExportParameters(false).Q.X!, .. ec.ECDsa.ExportParameters(false).Q.Y!],
            },
            RsaSecurityKey rsa => form switch
            {
                "spki-der" => rsa.Rsa.ExportSubjectPublicKeyInfo(),
                "spki-pem" => Encoding.ASCII.GetBytes(rsa.Rsa.ExportSubjectPublicKeyInfoPem()),
                "pkcs1-der" => rsa.Rsa.ExportRSAPublicKey(),
                "pkcs1-pem" => Encoding.ASCII.GetBytes(rsa.Rsa.ExportRSAPublicKeyPem()),
                _ => rsa.Rsa.ExportParameters(false).Modulus!,
            },
            _ => throw new InvalidOperationException(key.GetType().Name),
        };

        await RefusedAsync(kind, ForgedTokens.Hs256(genuine, secret), genuine);
    }

    [Theory]
    [InlineData("ec", "grant added")]
    [InlineData("ec", "catalog added")]
    [InlineData("ec", "expiry moved")]
    [InlineData("ec", "user changed")]
    [InlineData("ec", "group added")]
    [InlineData("ec", "map changed")]
    [InlineData("ec", "refresh made access")]
    [InlineData("rsa", "grant added")]
    [InlineData("rsa", "expiry moved")]
    public async Task Check_PayloadChanged_OriginalSignature_Null(string kind, string change)
    {
        var genuine = Mint(kind, refresh: change == "refresh made access");

        var forged = ForgedTokens.Tampered(genuine, payload =>
        {
            switch (change)
            {
                case "grant added": payload["access"]!.AsArray().Add(ForgedTokens.Pull("secret/vault")); break;
                case "catalog added": payload["access"]!.AsArray().Add(new JsonObject { ["type"] = "registry", ["name"] = "catalog", ["actions"] = new JsonArray("*") }); break;
                case "expiry moved": payload["exp"] = (long)payload["exp"]! + 86_400; break;
                case "user changed": payload["sub"] = "root"; break;
                case "group added": payload["groups"]!.AsArray().Add("admins"); break;
                case "map changed": payload["map"] = "b.lan"; break;
                default: payload["use"] = "access"; break;
            }
        });

        await RefusedAsync(kind, forged, genuine);
    }

    [Theory]
    [InlineData("iss", "someone-else")]
    [InlineData("iss", null)]
    [InlineData("aud", null)]
    [InlineData("map", null)]
    [InlineData("use", null)]
    [InlineData("exp", null)]
    public async Task Check_RightKey_WrongIssuerOrMissingClaim_Null(string claim, string? value)
    {
        var genuine = Mint("ec");
        var payload = ForgedTokens.Payload(genuine);
        payload[claim] = value;
        if (value is null)
        {
            payload.Remove(claim);
        }

        var signed = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(payload.ToJsonString(), _keys.Signing(_ec).Credentials);

        await RefusedAsync("ec", signed, genuine);
    }

    [Fact]
    public async Task Check_RightKey_NotValidForAnHour_Null()
    {
        var genuine = Mint("ec");
        var payload = ForgedTokens.Payload(genuine);
        payload["nbf"] = _time.GetUtcNow().AddHours(1).ToUnixTimeSeconds();
        var signed = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(payload.ToJsonString(), _keys.Signing(_ec).Credentials);

        await RefusedAsync("ec", signed, genuine);
    }

    [Fact]
    public async Task Check_RsaKeyUsedWithPs256_Null()
    {
        // The right RSA key, another algorithm than the one Collage signs with.
        var genuine = Mint("rsa");
        var key = (RsaSecurityKey)_keys.Signing(_rsa).Key;
        var signed = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(
            ForgedTokens.Payload(genuine).ToJsonString(), new SigningCredentials(key, SecurityAlgorithms.RsaSsaPssSha256));

        await RefusedAsync("rsa", signed, genuine);
    }

    private AccessOptions Options(string kind) => kind == "rsa" ? _rsa : _ec;

    private string Mint(string kind, bool refresh = false) => _tokens.Mint(
        new AccessToken(new AccessIdentity("alice", new HashSet<string> { "platform" }), "a.lan", new HashSet<string> { "internal/b" }, false, _time.GetUtcNow().AddMinutes(5), refresh),
        Audience,
        Options(kind));

    // The forgery fails, and the genuine token it came from passes (so the failure is the forgery's).
    private async Task RefusedAsync(string kind, string forged, string genuine)
    {
        forged.Should().NotBe(genuine);
        var check = async () => await _tokens.CheckAsync(forged, Audience, Options(kind));
        (await check.Should().NotThrowAsync()).Which.Should().BeNull(forged);
        (await _tokens.CheckAsync(genuine, Audience, Options(kind))).Should().NotBeNull();
        (await _tokens.CheckAsync(forged, Audience, Options(kind))).Should().BeNull("a refused forgery is not remembered as good either");
    }
}
