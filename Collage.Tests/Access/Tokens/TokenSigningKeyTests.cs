using System.Security.Cryptography;
using System.Text;
using Collage.Transforms.Access.Tokens;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Tests.Access.Tokens;

/// <summary>
/// <see cref="TokenSigningKey"/>: which PEM files sign Collage's tokens (EC P-256 as ES256, RSA of 2048 bits or more as
/// RS256, in SEC 1, PKCS#1 or PKCS#8), and that everything else (another curve, a short RSA key, a public key, an
/// encrypted key, garbage, a missing file) is no key at all rather than an exception.
/// </summary>
public sealed class TokenSigningKeyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-token-key-").FullName;

    public static TheoryData<string, string> Usable => new()
    {
        { "EC P-256 SEC 1", TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256) },
        { "EC P-256 PKCS#8", TokenKeyFiles.EcPkcs8(ECCurve.NamedCurves.nistP256) },
        { "RSA 2048 PKCS#1", TokenKeyFiles.RsaPkcs1(2048) },
        { "RSA 2048 PKCS#8", TokenKeyFiles.RsaPkcs8(2048) },
        { "RSA 3072 PKCS#8", TokenKeyFiles.RsaPkcs8(3072) },
    };

    public static TheoryData<string, string> Unusable => new()
    {
        { "EC P-384 SEC 1", TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP384) },
        { "EC P-384 PKCS#8", TokenKeyFiles.EcPkcs8(ECCurve.NamedCurves.nistP384) },
        { "EC P-521 SEC 1", TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP521) },
        { "EC brainpoolP256r1 PKCS#8", TokenKeyFiles.EcPkcs8(ECCurve.NamedCurves.brainpoolP256r1) },
        { "RSA 1024 PKCS#1", TokenKeyFiles.RsaPkcs1(1024) },
        { "RSA 1024 PKCS#8", TokenKeyFiles.RsaPkcs8(1024) },
        { "EC public key", TokenKeyFiles.EcPublic() },
        { "RSA public key", TokenKeyFiles.RsaPublic(2048) },
        { "RSA encrypted PKCS#8", TokenKeyFiles.RsaEncryptedPkcs8() },
        { "garbage", "this is not a key" },
        { "empty", string.Empty },
        { "cut PEM", TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)[..60] },
        { "PEM frame, garbage inside", "-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n" },
        { "PKCS#8 frame, garbage inside", "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n" },
        { "certificate label", "-----BEGIN CERTIFICATE-----\nbm90IGEga2V5\n-----END CERTIFICATE-----\n" },
    };

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(Usable))]
    public void TryParse_UsablePrivateKey_SignsAndVerifies(string kind, string pem)
    {
        var key = TokenSigningKey.TryParse(pem);

        key.Should().NotBeNull(kind);
        key!.Algorithm.Should().Be(kind.StartsWith("EC", StringComparison.Ordinal) ? SecurityAlgorithms.EcdsaSha256 : SecurityAlgorithms.RsaSha256);
        key.Key.KeyId.Should().NotBeNullOrEmpty();
        SignsAndVerifies(key).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Unusable))]
    public void TryParse_UnusableText_Null(string kind, string pem)
    {
        var parse = () => TokenSigningKey.TryParse(pem);

        parse.Should().NotThrow(kind).Which.Should().BeNull(kind);
    }

    [Theory]
    [MemberData(nameof(Unusable))]
    public void TryLoad_UnusableFile_Null(string kind, string pem)
    {
        var path = Path.Combine(_directory, "key.pem");
        File.WriteAllText(path, pem);

        var load = () => TokenSigningKey.TryLoad(path);

        load.Should().NotThrow(kind).Which.Should().BeNull(kind);
    }

    [Fact]
    public void TryLoad_MissingFileOrFolder_Null()
    {
        TokenSigningKey.TryLoad(Path.Combine(_directory, "missing.pem")).Should().BeNull();
        TokenSigningKey.TryLoad(_directory).Should().BeNull("a folder is no key file");
    }

    [Fact]
    public void TryLoad_OpensslEcParamGenkey_WithParametersBlock_ES256()
    {
        // The README's command, with and without -noout (which leaves an "EC PARAMETERS" block before the key).
        var bare = Path.Combine(_directory, "bare.pem");
        var withParameters = Path.Combine(_directory, "with-parameters.pem");
        TokenKeyFiles.Openssl(bare, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", bare);
        TokenKeyFiles.Openssl(withParameters, "ecparam", "-name", "prime256v1", "-genkey", "-out", withParameters);

        TokenSigningKey.TryLoad(bare)!.Algorithm.Should().Be(SecurityAlgorithms.EcdsaSha256);
        TokenSigningKey.TryLoad(withParameters)!.Algorithm.Should().Be(SecurityAlgorithms.EcdsaSha256);
    }

    [Fact]
    public void TryLoad_OpensslGenpkey_RsaAndEc_UsableOthersNot()
    {
        var rsa = Path.Combine(_directory, "rsa.pem");
        var ec = Path.Combine(_directory, "ec.pem");
        var shortRsa = Path.Combine(_directory, "rsa1024.pem");
        var ed25519 = Path.Combine(_directory, "ed25519.pem");
        var secp256k1 = Path.Combine(_directory, "secp256k1.pem");
        TokenKeyFiles.Openssl(rsa, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa);
        TokenKeyFiles.Openssl(ec, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec);
        TokenKeyFiles.Openssl(shortRsa, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", shortRsa);
        TokenKeyFiles.Openssl(ed25519, "genpkey", "-algorithm", "ED25519", "-out", ed25519);
        TokenKeyFiles.Openssl(secp256k1, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", secp256k1);

        TokenSigningKey.TryLoad(rsa)!.Algorithm.Should().Be(SecurityAlgorithms.RsaSha256);
        TokenSigningKey.TryLoad(ec)!.Algorithm.Should().Be(SecurityAlgorithms.EcdsaSha256);
        TokenSigningKey.TryLoad(shortRsa).Should().BeNull("RSA under 2048 bits");
        TokenSigningKey.TryLoad(ed25519).Should().BeNull("Ed25519 is neither");
        TokenSigningKey.TryLoad(secp256k1).Should().BeNull("ES256 is P-256; another 256-bit curve is not it");
    }

    [Fact]
    public void TryParse_SameFileTwice_SameKeyId_AnotherKey_AnotherKeyId()
    {
        var pem = TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256);
        var pkcs8OfTheSame = PemOfSameKeyAsPkcs8(pem);

        var first = TokenSigningKey.TryParse(pem)!;
        var second = TokenSigningKey.TryParse(pem)!;
        var other = TokenSigningKey.TryParse(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256))!;

        second.Key.KeyId.Should().Be(first.Key.KeyId, "replicas with one file name one key");
        TokenSigningKey.TryParse(pkcs8OfTheSame)!.Key.KeyId.Should().Be(first.Key.KeyId, "the id is the public key's, not the file's");
        other.Key.KeyId.Should().NotBe(first.Key.KeyId);
    }

    [Fact]
    public void Generate_EachCallAFreshP256Key()
    {
        var first = TokenSigningKey.Generate();
        var second = TokenSigningKey.Generate();

        first.Algorithm.Should().Be(SecurityAlgorithms.EcdsaSha256);
        ((ECDsaSecurityKey)first.Key).ECDsa.KeySize.Should().Be(256);
        second.Key.KeyId.Should().NotBe(first.Key.KeyId);
        SignsAndVerifies(first).Should().BeTrue();
    }

    private static string PemOfSameKeyAsPkcs8(string sec1)
    {
        using var ec = ECDsa.Create();
        ec.ImportFromPem(sec1);
        return ec.ExportPkcs8PrivateKeyPem();
    }

    private static bool SignsAndVerifies(TokenSigningKey key)
    {
        var data = Encoding.ASCII.GetBytes("header.payload");
        var provider = CryptoProviderFactory.Default.CreateForSigning(key.Credentials.Key, key.Credentials.Algorithm);
        var verifier = CryptoProviderFactory.Default.CreateForVerifying(key.Key, key.Algorithm);
        var signature = provider.Sign(data);
        return verifier.Verify(data, signature) && !verifier.Verify(Encoding.ASCII.GetBytes("header.payloaD"), signature);
    }
}
