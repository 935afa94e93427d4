using System.Security.Cryptography;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>OCI <c>sha256:HEX</c> digests.</summary>
internal static class Sha256Digest
{
    private const string Prefix = "sha256:";

    /// <summary>The digest of <paramref name="content"/>.</summary>
    public static string Of(ReadOnlySpan<byte> content) => Prefix + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The hex part of a <c>sha256:HEX</c> digest.</summary>
    public static string Hex(string digest)
    {
        if (!digest.StartsWith(Prefix, StringComparison.Ordinal) || digest.Length != Prefix.Length + 64)
        {
            throw new ArgumentException($"Not a sha256 digest: '{digest}'.", nameof(digest));
        }

        return digest[Prefix.Length..];
    }
}
