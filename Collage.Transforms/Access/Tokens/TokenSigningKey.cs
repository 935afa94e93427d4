using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Transforms.Access.Tokens;

/// <summary>
/// One key that signs Collage's tokens: ES256 with an EC P-256 key (what is generated: a signature costs about
/// 30 µs) or RS256 with an RSA key of 2048 bits or more (what many teams already keep in a secret). The key id is the
/// hash of the public key, so replicas with the same file name the same key.
/// </summary>
internal sealed class TokenSigningKey
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private TokenSigningKey(SecurityKey key, string algorithm)
    {
        Key = key;
        Algorithm = algorithm;
        Credentials = new SigningCredentials(key, algorithm);
    }

    /// <summary>The key, for validation.</summary>
    public SecurityKey Key { get; }

    /// <summary><c>ES256</c> or <c>RS256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>What signs with it.</summary>
    public SigningCredentials Credentials { get; }

    /// <summary>A fresh EC P-256 key, for an instance configured without <c>access:tokenKey</c>.</summary>
    public static TokenSigningKey Generate() => FromEcdsa(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The key in the PEM file at <paramref name="path"/>; null when it holds no usable private key.</summary>
    public static TokenSigningKey? TryLoad(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return TryParse(pem);
    }

    /// <summary>The private key in <paramref name="pem"/> (PKCS#1, SEC 1 or PKCS#8); null when there is none usable.</summary>
    public static TokenSigningKey? TryParse(string pem)
    {
        // ImportFromPem throws ArgumentException for text with no key label it knows (garbage, an empty file, an
        // encrypted key, an EC key offered to RSA), CryptographicException for a known label over bad contents: both
        // mean "no usable key", which start-up reports by its key and a rotation survives by keeping the last good one.
        if (pem.Contains("EC PRIVATE KEY", StringComparison.Ordinal) || pem.Contains("BEGIN PRIVATE KEY", StringComparison.Ordinal))
        {
            var ec = ECDsa.Create();
            try
            {
                ec.ImportFromPem(pem);

                // ES256 is ECDSA on P-256 (RFC 7518 section 3.4): another 256-bit curve (secp256k1, brainpoolP256r1)
                // would sign tokens no verifier accepts, and the token library cannot even name its key.
                if (ec.ExportParameters(true) is { D.Length: > 0, Curve.Oid.Value: P256Oid })
                {
                    return FromEcdsa(ec);
                }
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                // Not an EC key (a PKCS#8 file may hold RSA): try RSA below.
            }

            ec.Dispose();
            if (pem.Contains("EC PRIVATE KEY", StringComparison.Ordinal))
            {
                return null;
            }
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            if (rsa.KeySize >= 2048 && rsa.ExportParameters(true).D is { Length: > 0 })
            {
                return FromRsa(rsa);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // Not a private key we sign with.
        }

        rsa.Dispose();
        return null;
    }

    private static TokenSigningKey FromEcdsa(ECDsa ec) =>
        new(new ECDsaSecurityKey(ec) { KeyId = KeyId(ec.ExportSubjectPublicKeyInfo()) }, SecurityAlgorithms.EcdsaSha256);

    private static TokenSigningKey FromRsa(RSA rsa) =>
        new(new RsaSecurityKey(rsa) { KeyId = KeyId(rsa.ExportSubjectPublicKeyInfo()) }, SecurityAlgorithms.RsaSha256);

    private static string KeyId(byte[] publicKey) => Base64UrlEncoder.Encode(SHA256.HashData(publicKey).AsSpan(0, 12).ToArray());
}
