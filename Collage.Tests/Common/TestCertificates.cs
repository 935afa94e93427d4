using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Collage.Tests.Common;

/// <summary>Creates a throw-away CA and server certificates signed by it, in process.</summary>
internal static class TestCertificates
{
    public static X509Certificate2 CreateCa(string name = "Collage Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddMinutes(-10), now.AddDays(2));
        return Reload(ca);
    }

    /// <summary>A server certificate for <paramref name="address"/> (SAN IP), signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 ca, IPAddress address)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(address);
        return CreateServer(ca, $"CN={address}", san);
    }

    /// <summary>A server certificate for a DNS name only, signed by <paramref name="ca"/>.</summary>
    public static X509Certificate2 CreateServer(X509Certificate2 ca, string dnsName)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        return CreateServer(ca, $"CN={dnsName}", san);
    }

    public static void WritePem(X509Certificate2 certificate, string path)
        => File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");

    /// <summary>Writes the private key of an ECDSA <paramref name="certificate"/> as PKCS#8 PEM.</summary>
    public static void WriteKeyPem(X509Certificate2 certificate, string path)
        => File.WriteAllText(path, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");

    private static X509Certificate2 CreateServer(X509Certificate2 ca, string subject, SubjectAlternativeNameBuilder san)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var unkeyed = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), serial);
        using var keyed = unkeyed.CopyWithPrivateKey(key);
        return Reload(keyed);
    }

    /// <summary>Round-trips through PKCS#12 so the key is usable by SslStream on every platform.</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate)
        => X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
}
