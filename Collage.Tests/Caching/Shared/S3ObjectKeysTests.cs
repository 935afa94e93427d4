using Collage.Transforms.Caching.Shared;

namespace Collage.Tests.Caching.Shared;

public sealed class S3ObjectKeysTests
{
    private static readonly string Hex = new('a', 64);

    [Fact]
    public void Of_Hex_IsUnderThePrefixesBlobs()
    {
        new S3ObjectKeys("cache/").Of(Hex).Should().Be("cache/blobs/sha256/" + Hex);
        new S3ObjectKeys("").Of(Hex).Should().Be("blobs/sha256/" + Hex);
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abc")]
    public void Of_NotADigestsHex_Throws(string hex)
    {
        var key = () => new S3ObjectKeys("p/").Of(hex);

        key.Should().Throw<ArgumentException>();
    }

    [Theory]
    [InlineData("p/blobs/sha256/x")]
    [InlineData("p/blobs/sha256/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/data")]
    [InlineData("q/blobs/sha256/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void HexOf_KeyOutsideTheLayout_IsNull(string key) => new S3ObjectKeys("p/").HexOf(key).Should().BeNull();

    [Fact]
    public void HexOf_BlobKey_IsItsHex() => new S3ObjectKeys("p/").HexOf("p/blobs/sha256/" + Hex).Should().Be(Hex);
}
