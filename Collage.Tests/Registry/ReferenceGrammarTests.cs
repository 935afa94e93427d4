using Collage.Transforms.Registry;

namespace Collage.Tests.Registry;

public sealed class ReferenceGrammarTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("etcd", true)]
    [InlineData("coreos/etcd", true)]
    [InlineData("a.b", true)]
    [InlineData("a_b", true)]
    [InlineData("a__b", true)]
    [InlineData("a-b", true)]
    [InlineData("a---b", true)]
    [InlineData("a0/b1/c2", true)]
    [InlineData("", false)]
    [InlineData("A", false)]
    [InlineData("a/B", false)]
    [InlineData("a___b", false)]
    [InlineData("a..b", false)]
    [InlineData("a._b", false)]
    [InlineData(".a", false)]
    [InlineData("a.", false)]
    [InlineData("-a", false)]
    [InlineData("_a", false)]
    [InlineData("a/", false)]
    [InlineData("/a", false)]
    [InlineData("a//b", false)]
    [InlineData("a/../b", false)]
    [InlineData("a b", false)]
    [InlineData("a:b", false)]
    [InlineData("a\\b", false)]
    [InlineData("é", false)]
    public void IsValidName_Grammar(string name, bool valid)
    {
        ReferenceGrammar.IsValidName(name).Should().Be(valid);
    }

    [Fact]
    public void IsValidName_LengthCap_Is255()
    {
        ReferenceGrammar.IsValidName(new string('a', 255)).Should().BeTrue();
        ReferenceGrammar.IsValidName(new string('a', 256)).Should().BeFalse();
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("v3.5.0", true)]
    [InlineData("_x", true)]
    [InlineData("A-B_c.d", true)]
    [InlineData("0", true)]
    [InlineData("", false)]
    [InlineData(".x", false)]
    [InlineData("-x", false)]
    [InlineData("a/b", false)]
    [InlineData("a:b", false)]
    [InlineData("a+b", false)]
    public void IsValidTag_Grammar(string tag, bool valid)
    {
        ReferenceGrammar.IsValidTag(tag).Should().Be(valid);
    }

    [Fact]
    public void IsValidTag_LengthCap_Is128()
    {
        ReferenceGrammar.IsValidTag(new string('a', 128)).Should().BeTrue();
        ReferenceGrammar.IsValidTag(new string('a', 129)).Should().BeFalse();
    }

    [Theory]
    [InlineData("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", true)]
    [InlineData("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0", false)]
    [InlineData("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a088", false)]
    [InlineData("sha256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", false)]
    [InlineData("sha256:zz86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", false)]
    [InlineData("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", true)]
    [InlineData("blake3:abc", true)]
    [InlineData("sha512:abc", false)]
    [InlineData("SHA256:abc", false)]
    [InlineData("sha256", false)]
    [InlineData(":abc", false)]
    [InlineData("sha256:", false)]
    [InlineData("sha256:abc/def", false)]
    public void IsValidDigest_Grammar(string digest, bool valid)
    {
        ReferenceGrammar.IsValidDigest(digest).Should().Be(valid);
    }

    [Fact]
    public void IsValidDigest_Sha512_Needs128Hex()
    {
        ReferenceGrammar.IsValidDigest("sha512:" + new string('a', 128)).Should().BeTrue();
        ReferenceGrammar.IsValidDigest("sha512:" + new string('a', 64)).Should().BeFalse();
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", true)]
    [InlineData("sha256:abc", false)]
    [InlineData("-x", false)]
    public void IsValidReference_TagOrDigest(string reference, bool valid)
    {
        ReferenceGrammar.IsValidReference(reference).Should().Be(valid);
    }
}
