using Collage.Transforms.Caching.Manifests;
using Microsoft.Extensions.Primitives;

namespace Collage.Tests.Caching.Manifests;

public sealed class AcceptKeyTests
{
    private const string Index = "application/vnd.oci.image.index.v1+json";
    private const string Manifest = "application/vnd.oci.image.manifest.v1+json";
    private const string DockerList = "application/vnd.docker.distribution.manifest.list.v2+json";

    [Theory]
    [InlineData($"{Manifest}, {Index}")]
    [InlineData($"{Index},{Manifest}")]
    [InlineData($"  {Index} ;q=0.9 , {Manifest};q=1")]
    [InlineData("APPLICATION/VND.OCI.IMAGE.INDEX.V1+JSON, application/vnd.oci.image.manifest.v1+json")]
    [InlineData($"{Index}, {Manifest}, {Index}")]
    public void Of_SameSetOfTypes_SameKey(string accept)
    {
        AcceptKey.Of(accept).Should().Be(AcceptKey.Of($"{Index}, {Manifest}"));
    }

    [Fact]
    public void Of_SeveralHeaderValues_SameKeyAsOneCommaJoined()
    {
        AcceptKey.Of(new StringValues([Index, Manifest])).Should().Be(AcceptKey.Of($"{Index}, {Manifest}"));
    }

    [Theory]
    [InlineData(Index)]
    [InlineData(DockerList)]
    [InlineData($"{Index}, {DockerList}")]
    [InlineData($"{Manifest}, {DockerList}")]
    public void Of_OtherSet_OtherKey(string accept)
    {
        AcceptKey.Of(accept).Should().NotBe(AcceptKey.Of($"{Index}, {Manifest}"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , ;q=1")]
    public void Of_NoTypes_Star(string? accept)
    {
        AcceptKey.Of(accept is null ? StringValues.Empty : new StringValues(accept)).Should().Be("*");
    }

    [Fact]
    public void Of_AnySet_ShortHexWithoutSeparators()
    {
        var key = AcceptKey.Of($"{Index}, {Manifest}");

        key.Should().MatchRegex("^[0-9a-f]{24}$", "it goes into a tag key after '|' and must not contain one");
    }
}
