using System.Security.Cryptography;

namespace Collage.Tests.Access.Oidc;

/// <summary>
/// A signing key of a <see cref="TestIdentityProvider"/>: RSA 2048 (RS256) or EC P-256 (ES256), signing with .NET's own
/// primitives (not the library under test) and published as a JWK.
/// </summary>
internal sealed class TestSigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private TestSigningKey(string kid, string algorithm, AsymmetricAlgorithm key)
    {
        Kid = kid;
        Algorithm = algorithm;
        _key = key;
    }

    /// <summary>The key's id, the <c>kid</c> of its JWK and of the tokens it signs.</summary>
    public string Kid { get; }

    /// <summary><c>RS256</c> or <c>ES256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The public key as PEM (SubjectPublicKeyInfo), e.g. as the secret of an HS256 forgery.</summary>
    public string PublicKeyPem => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>A new RSA key.</summary>
    public static TestSigningKey Rsa(string kid) => new(kid, "RS256", RSA.Create(2048));

    /// <summary>A new EC P-256 key.</summary>
    public static TestSigningKey Ec(string kid) => new(kid, "ES256", ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The JWS signature of <paramref name="data"/> (PKCS#1 v1.5 with SHA-256, or ECDSA P-256 as r||s).</summary>
    public byte[] Sign(byte[] data) => Sign(data, HashAlgorithmName.SHA256);

    /// <summary>The signature of <paramref name="data"/> with another hash (RS512 and the like, for refused algorithms).</summary>
    public byte[] Sign(byte[] data, HashAlgorithmName hash) => _key switch
    {
        RSA rsa => rsa.SignData(data, hash, RSASignaturePadding.Pkcs1),
        ECDsa ec => ec.SignData(data, hash),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The public JWK, as a JWKS lists it.</summary>
    public Dictionary<string, string> Jwk()
    {
        if (_key is RSA rsa)
        {
            var rsaParameters = rsa.ExportParameters(includePrivateParameters: false);
            return new() { ["kty"] = "RSA", ["use"] = "sig", ["alg"] = Algorithm, ["kid"] = Kid, ["n"] = Base64Url(rsaParameters.Modulus!), ["e"] = Base64Url(rsaParameters.Exponent!) };
        }

        var ecParameters = ((ECDsa)_key).ExportParameters(includePrivateParameters: false);
        return new() { ["kty"] = "EC", ["use"] = "sig", ["alg"] = Algorithm, ["kid"] = Kid, ["crv"] = "P-256", ["x"] = Base64Url(ecParameters.Q.X!), ["y"] = Base64Url(ecParameters.Q.Y!) };
    }

    public void Dispose() => _key.Dispose();

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
