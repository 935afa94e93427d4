using System.Security.Cryptography;
using Collage.Transforms.Access.Tokens;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Tests.Access.Tokens;

/// <summary>
/// <see cref="TokenSigningKeys"/>: a generated key holds for the process (config reloads keep it); a key file is looked
/// at again every few seconds, a new key there signs while the one it replaced is still accepted, and a broken rewrite
/// keeps the last good key.
/// </summary>
public sealed class TokenSigningKeysTests : IDisposable
{
    private static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(5);

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-token-keys-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TokenSigningKeys _keys;
    private int _writes;

    public TokenSigningKeysTests()
    {
        _keys = new TokenSigningKeys(_time);
    }

    private string KeyFile => Path.Combine(_directory, "token-key.pem");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Generated_StableAcrossCallsAndOptions_AcceptedIsItself()
    {
        var first = _keys.Signing(new AccessOptions());
        _time.Advance(TimeSpan.FromHours(1));
        var reloaded = _keys.Signing(new AccessOptions { Anonymous = ["public/**"] });

        reloaded.Should().BeSameAs(first, "a config reload keeps the generated key");
        _keys.Accepted(new AccessOptions()).Should().ContainSingle().Which.KeyId.Should().Be(first.Key.KeyId);
        new TokenSigningKeys(_time).Signing(new AccessOptions()).Key.KeyId.Should().NotBe(first.Key.KeyId, "another process generates another key");
    }

    [Fact]
    public void File_SignsWithItsKey_AcceptsOnlyIt()
    {
        var pem = Write(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256));
        var options = new AccessOptions { TokenKey = KeyFile };

        var signing = _keys.Signing(options);

        signing.Key.KeyId.Should().Be(TokenSigningKey.TryParse(pem)!.Key.KeyId);
        KeyIds(options).Should().Equal(signing.Key.KeyId);
        KeyIds(new AccessOptions()).Should().NotContain(signing.Key.KeyId, "the generated key is another");
    }

    [Fact]
    public void File_Rotated_NewKeySignsAfterTheLook_OldStillAccepted()
    {
        var options = new AccessOptions { TokenKey = KeyFile };
        var old = KeyId(Write(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)));
        _keys.Signing(options).Key.KeyId.Should().Be(old);

        var rotated = KeyId(Write(TokenKeyFiles.RsaPkcs8(2048)));
        _keys.Signing(options).Key.KeyId.Should().Be(old, "the file is looked at again only every few seconds");
        _time.Advance(LookEvery);

        _keys.Signing(options).Key.KeyId.Should().Be(rotated);
        _keys.Signing(options).Algorithm.Should().Be(SecurityAlgorithms.RsaSha256);
        KeyIds(options).Should().BeEquivalentTo([rotated, old], "tokens signed a moment before the rotation keep working");
    }

    [Fact]
    public void File_RotatedTwice_TheFirstKeyIsNoLongerAccepted()
    {
        var options = new AccessOptions { TokenKey = KeyFile };
        var first = KeyId(Write(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)));
        _keys.Signing(options);
        var second = KeyId(Write(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)));
        _time.Advance(LookEvery);
        _keys.Signing(options);
        var third = KeyId(Write(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)));
        _time.Advance(LookEvery);

        _keys.Signing(options).Key.KeyId.Should().Be(third);
        KeyIds(options).Should().BeEquivalentTo([third, second]).And.NotContain(first);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n")]
    [InlineData("public")]
    [InlineData("p384")]
    [InlineData("rsa1024")]
    [InlineData("deleted")]
    public void File_BrokenRewrite_KeepsTheLastGoodKey_ThenAFixedFileSigns(string broken)
    {
        var options = new AccessOptions { TokenKey = KeyFile };
        var good = KeyId(Write(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)));
        _keys.Signing(options).Key.KeyId.Should().Be(good);

        if (broken == "deleted")
        {
            File.Delete(KeyFile);
        }
        else
        {
            Write(broken switch
            {
                "public" => TokenKeyFiles.EcPublic(),
                "p384" => TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP384),
                "rsa1024" => TokenKeyFiles.RsaPkcs1(1024),
                _ => broken,
            });
        }

        _time.Advance(LookEvery);

        var signing = () => _keys.Signing(options);
        signing.Should().NotThrow().Which.Key.KeyId.Should().Be(good, "a broken edit never leaves Collage without its key");
        KeyIds(options).Should().Contain(good);
        _time.Advance(LookEvery);
        _keys.Signing(options).Key.KeyId.Should().Be(good, "and it stays so on the next look");

        var fixedKey = KeyId(Write(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256)));
        _time.Advance(LookEvery);
        _keys.Signing(options).Key.KeyId.Should().Be(fixedKey);
        KeyIds(options).Should().Contain(good, "the key it replaced is still accepted");
    }

    [Fact]
    public void File_UnchangedAfterManyLooks_SameKeyObject()
    {
        var options = new AccessOptions { TokenKey = KeyFile };
        Write(TokenKeyFiles.EcSec1(ECCurve.NamedCurves.nistP256));
        var first = _keys.Signing(options);

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(LookEvery);
            _keys.Signing(options).Should().BeSameAs(first, "an unchanged file is not parsed again");
        }

        KeyIds(options).Should().Equal(first.Key.KeyId);
    }

    private string[] KeyIds(AccessOptions options) => [.. _keys.Accepted(options).Select(k => k.KeyId)];

    private static string KeyId(string pem) => TokenSigningKey.TryParse(pem)!.Key.KeyId;

    // Each write gets its own modification time, so a rewrite within one clock tick is still a change.
    private string Write(string pem)
    {
        File.WriteAllText(KeyFile, pem);
        File.SetLastWriteTimeUtc(KeyFile, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(++_writes));
        return pem;
    }
}
