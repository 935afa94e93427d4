using Collage.Transforms.Referrers;

namespace Collage.Tests.Referrers;

public sealed class ReferrersTagTests
{
    [Fact]
    public void For_Sha256_ColonBecomesDash()
    {
        var hex = string.Concat(Enumerable.Repeat("0123456789abcdef", 4));

        ReferrersTag.For("sha256:" + hex).Should().Be("sha256-" + hex);
    }

    [Fact]
    public void For_LongAlgorithmAndEncoded_TruncatedTo32And64()
    {
        var hex = string.Concat(Enumerable.Repeat("0123456789abcdef", 8));
        var algorithm = "sha256+b64u" + new string('x', 30);

        var tag = ReferrersTag.For($"{algorithm}:{hex}");

        tag.Should().Be($"{algorithm[..32]}-{hex[..64]}");
        tag.Length.Should().BeLessThanOrEqualTo(128, "a tag is at most 128 characters");
    }
}
