using System.Diagnostics;
using System.Security.Cryptography;

namespace Collage.Tests.Access.Tokens;

/// <summary>
/// PEM texts of signing keys as teams keep them: written by .NET in every container format, or by the real
/// <c>openssl</c> command the README names, so the parser meets the files it will meet.
/// </summary>
internal static class TokenKeyFiles
{
    public static string EcSec1(ECCurve curve)
    {
        using var ec = ECDsa.Create(curve);
        return ec.ExportECPrivateKeyPem();
    }

    public static string EcPkcs8(ECCurve curve)
    {
        using var ec = ECDsa.Create(curve);
        return ec.ExportPkcs8PrivateKeyPem();
    }

    public static string EcPublic()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ec.ExportSubjectPublicKeyInfoPem();
    }

    public static string RsaPkcs1(int bits)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportRSAPrivateKeyPem();
    }

    public static string RsaPkcs8(int bits)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    public static string RsaPublic(int bits)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

    public static string RsaEncryptedPkcs8()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportEncryptedPkcs8PrivateKeyPem("passphrase", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
    }

    /// <summary>Runs <c>openssl</c> with <paramref name="arguments"/> (which write <paramref name="file"/>) and returns the file's text.</summary>
    public static string Openssl(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit(TimeSpan.FromSeconds(60)).Should().BeTrue("openssl finishes");
        process.ExitCode.Should().Be(0, errors.Result);
        return File.ReadAllText(file);
    }
}
