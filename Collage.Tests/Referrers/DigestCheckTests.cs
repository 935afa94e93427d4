using System.Security.Cryptography;
using System.Text;
using Collage.Transforms.Referrers;

namespace Collage.Tests.Referrers;

public sealed class DigestCheckTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"schemaVersion\":2}");

    [Fact]
    public void Matches_Sha256_TrueForItsBytesFalseForOthers()
    {
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Body));

        DigestCheck.Matches(digest, Body).Should().BeTrue();
        DigestCheck.Matches(digest, [.. Body, (byte)' ']).Should().BeFalse();
        DigestCheck.Matches(digest.ToUpperInvariant().Replace("SHA256", "sha256", StringComparison.Ordinal), Body).Should().BeFalse("digests are lower-case hex");
    }

    [Fact]
    public void Matches_Sha512_TrueForItsBytesFalseForOthers()
    {
        var digest = "sha512:" + Convert.ToHexStringLower(SHA512.HashData(Body));

        DigestCheck.Matches(digest, Body).Should().BeTrue();
        DigestCheck.Matches(digest, []).Should().BeFalse();
    }

    [Fact]
    public void Matches_UnknownAlgorithm_ClaimsNothing()
    {
        DigestCheck.Matches("blake3:" + new string('a', 64), Body).Should().BeNull();
    }
}
