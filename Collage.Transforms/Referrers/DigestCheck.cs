using System.Security.Cryptography;

namespace Collage.Transforms.Referrers;

/// <summary>Whether bytes are what a digest names (OCI image spec, "Verification"), for the algorithms registered there.</summary>
internal static class DigestCheck
{
    /// <summary>
    /// True when <paramref name="body"/> hashes to <paramref name="digest"/>; false on a mismatch; null when the
    /// digest is of an algorithm Collage cannot check (then nothing is claimed either way).
    /// </summary>
    public static bool? Matches(string digest, ReadOnlySpan<byte> body)
    {
        if (digest.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return string.Equals(Convert.ToHexStringLower(SHA256.HashData(body)), digest[7..], StringComparison.Ordinal);
        }

        if (digest.StartsWith("sha512:", StringComparison.Ordinal))
        {
            return string.Equals(Convert.ToHexStringLower(SHA512.HashData(body)), digest[7..], StringComparison.Ordinal);
        }

        return null;
    }
}
