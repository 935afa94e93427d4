using System.Security.Cryptography;
using Collage.Tests.Common;
using Collage.Transforms.Upstreams;

namespace Collage.Tests.Upstreams;

public sealed class CaBundleLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("collage-ca-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_MissingFile_ThrowsNamingPath()
    {
        var path = Path.Combine(_dir, "missing.pem");

        var act = () => CaBundleLoader.Load(path);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*'{path}'*");
    }

    [Fact]
    public void Load_EmptyFile_ThrowsNamingPath()
    {
        var path = Path.Combine(_dir, "empty.pem");
        File.WriteAllText(path, string.Empty);

        var act = () => CaBundleLoader.Load(path);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*'{path}'*no certificate*");
    }

    [Fact]
    public void Load_FileWithoutCertificate_ThrowsNamingPath()
    {
        var path = Path.Combine(_dir, "key.pem");
        using var key = ECDsa.Create();
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());

        var act = () => CaBundleLoader.Load(path);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*'{path}'*");
    }

    [Fact]
    public void Load_GarbageFile_ThrowsNamingPath()
    {
        var path = Path.Combine(_dir, "garbage.crt");
        File.WriteAllBytes(path, [1, 2, 3, 4]);

        var act = () => CaBundleLoader.Load(path);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*'{path}'*");
    }

    [Fact]
    public void Load_PemFileWithTwoCertificatesAndAKey_LoadsTheCertificates()
    {
        using var first = TestCertificates.CreateCa("First");
        using var second = TestCertificates.CreateCa("Second");
        using var key = ECDsa.Create();
        var path = Path.Combine(_dir, "bundle.pem");
        File.WriteAllText(path, first.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n" + second.ExportCertificatePem());

        var bundle = CaBundleLoader.Load(path);

        bundle.Select(c => c.Thumbprint).Should().Equal(first.Thumbprint, second.Thumbprint);
    }

    [Fact]
    public void Load_Directory_LoadsPemAndDerCrtFilesOnly()
    {
        using var pem = TestCertificates.CreateCa("Pem");
        using var der = TestCertificates.CreateCa("Der");
        using var ignored = TestCertificates.CreateCa("Ignored");
        TestCertificates.WritePem(pem, Path.Combine(_dir, "a.pem"));
        File.WriteAllBytes(Path.Combine(_dir, "b.crt"), der.RawData);
        TestCertificates.WritePem(ignored, Path.Combine(_dir, "client.cert"));
        File.WriteAllText(Path.Combine(_dir, "client.key"), "not read");

        var bundle = CaBundleLoader.Load(_dir);

        bundle.Select(c => c.Thumbprint).Should().BeEquivalentTo([pem.Thumbprint, der.Thumbprint]);
    }

    [Fact]
    public void Load_DirectoryWithoutCertificates_ThrowsNamingPath()
    {
        File.WriteAllText(Path.Combine(_dir, "readme.txt"), "no certificates here");

        var act = () => CaBundleLoader.Load(_dir);

        act.Should().Throw<InvalidOperationException>().WithMessage($"*'{_dir}'*");
    }
}
