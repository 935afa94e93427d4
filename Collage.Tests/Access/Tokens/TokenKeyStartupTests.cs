using System.Security.Cryptography;
using Collage.Proxy.Configuration;
using Collage.Tests.Configuration;
using Collage.Transforms.Configuration;

namespace Collage.Tests.Access.Tokens;

/// <summary>
/// <c>access:tokenKey</c> is checked at start-up: a usable key is taken, and a missing or unusable file (whatever is
/// in it) stops start-up with an error naming the key and how to write one, never another exception.
/// </summary>
public sealed class TokenKeyStartupTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-token-key-startup-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string> Unusable => new()
    {
        { "garbage", "not a key" },
        { "empty", string.Empty },
        { "EC P-384", TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP384) },
        { "EC brainpoolP256r1", TokenKeyFiles.EcPkcs8(ECCurve.NamedCurves.brainpoolP256r1) },
        { "RSA 1024", TokenKeyFiles.RsaPkcs1(1024) },
        { "public key", TokenKeyFiles.EcPublic() },
        { "encrypted key", TokenKeyFiles.RsaEncryptedPkcs8() },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void Read_UnusableKeyFile_NamesTokenKeyAndHowToWriteOne(string kind, string pem)
    {
        var file = Path.Combine(_directory, "key.pem");
        File.WriteAllText(file, pem);

        var act = () => Read(file);

        act.Should().Throw<CollageConfigException>(kind)
            .Where(e => string.Equals(e.Key, "Collage:access:tokenKey", StringComparison.OrdinalIgnoreCase))
            .WithMessage("*no RSA or EC P-256 private key*openssl ecparam*");
    }

    [Fact]
    public void Read_MissingKeyFile_NamesTokenKey()
    {
        var act = () => Read(Path.Combine(_directory, "missing.pem"));

        act.Should().Throw<CollageConfigException>()
            .Where(e => string.Equals(e.Key, "Collage:access:tokenKey", StringComparison.OrdinalIgnoreCase))
            .WithMessage("*does not exist*");
    }

    [Fact]
    public void Read_UsableKeyFile_Taken()
    {
        var file = Path.Combine(_directory, "key.pem");
        File.WriteAllText(file, TokenKeyFiles.RsaPkcs8(2048));

        Read(file).Access!.TokenKey.Should().Be(file);
    }

    private CollageOptions Read(string keyFile) => CollageConfigReader.Read(ConfigSources.File(
        _directory,
        $$"""{ "mappings": { "etcd": "quay.io/coreos/etcd" }, "access": { "tokenKey": "{{keyFile}}" } }"""));
}
