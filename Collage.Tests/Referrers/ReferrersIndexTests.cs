using System.Text;
using System.Text.Json.Nodes;
using Collage.Transforms.Referrers;

namespace Collage.Tests.Referrers;

public sealed class ReferrersIndexTests
{
    private const string Index = "application/vnd.oci.image.index.v1+json";
    private const string Manifest = "application/vnd.oci.image.manifest.v1+json";
    private const string Sbom = "application/vnd.example.sbom.v1+json";
    private const string Signature = "application/vnd.example.signature.v1+json";
    private static readonly string DigestA = "sha256:" + new string('a', 64);
    private static readonly string DigestB = "sha256:" + new string('b', 64);

    [Fact]
    public void TryRead_TagIndex_DescriptorsAsWrittenInOrder()
    {
        var body = Bytes($$$"""
            {"schemaVersion":2,"mediaType":"{{{Index}}}","manifests":[
              {"mediaType":"{{{Manifest}}}","digest":"{{{DigestA}}}","size":10,"artifactType":"{{{Sbom}}}","annotations":{"k":"v"}},
              {"mediaType":"{{{Manifest}}}","digest":"{{{DigestB}}}","size":20,"platform":{"os":"linux"}}]}
            """);

        ReferrersIndex.TryRead(body, out var descriptors).Should().BeTrue();

        descriptors.Should().HaveCount(2);
        JsonNode.DeepEquals(descriptors[0], JsonNode.Parse($$$"""{"mediaType":"{{{Manifest}}}","digest":"{{{DigestA}}}","size":10,"artifactType":"{{{Sbom}}}","annotations":{"k":"v"}}""")).Should().BeTrue();
        JsonNode.DeepEquals(descriptors[1], JsonNode.Parse($$$"""{"mediaType":"{{{Manifest}}}","digest":"{{{DigestB}}}","size":20,"platform":{"os":"linux"}}""")).Should().BeTrue("fields beyond the descriptor's are kept");
    }

    [Fact]
    public void TryRead_IndexWithoutMediaType_Read()
    {
        ReferrersIndex.TryRead(Bytes($$$"""{"schemaVersion":2,"manifests":[{"digest":"{{{DigestA}}}"}]}"""), out var descriptors).Should().BeTrue();

        descriptors.Should().ContainSingle();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("{\"manifests\":{}}")]
    [InlineData("{\"manifests\":\"x\"}")]
    [InlineData("{\"manifests\":[")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{},\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":[]}")]
    [InlineData("{\"mediaType\":5,\"manifests\":[]}")]
    public void TryRead_NotAnOciIndex_False(string body)
    {
        ReferrersIndex.TryRead(Bytes(body), out var descriptors).Should().BeFalse();
        descriptors.Should().BeEmpty();
    }

    [Fact]
    public void TryRead_NestedDeeperThanTheLimit_FalseWithoutThrowing()
    {
        var deep = "{\"manifests\":[" + string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100)) + "]}";

        ReferrersIndex.TryRead(Bytes(deep), out _).Should().BeFalse();
    }

    [Fact]
    public void TryRead_EntriesThatAreNotDescriptorsWithAStringDigest_Dropped()
    {
        var body = Bytes($$$"""{"manifests":[1,"x",null,[],{"digest":5},{"mediaType":"{{{Manifest}}}"},{"digest":"{{{DigestA}}}"}]}""");

        ReferrersIndex.TryRead(body, out var descriptors).Should().BeTrue();

        descriptors.Should().ContainSingle().Which["digest"]!.GetValue<string>().Should().Be(DigestA);
    }

    [Fact]
    public void Filter_KeepsExactlyThatArtifactType()
    {
        List<JsonObject> descriptors =
        [
            Descriptor(DigestA, Sbom),
            Descriptor(DigestB, Signature),
            Descriptor(DigestA, Sbom.ToUpperInvariant()),
            Descriptor(DigestB, null),
            new JsonObject { ["digest"] = DigestB, ["artifactType"] = 7 },
        ];

        ReferrersIndex.Filter(descriptors, Sbom).Should().ContainSingle().Which.Should().BeSameAs(descriptors[0]);
        ReferrersIndex.Filter(descriptors, "application/vnd.example.none").Should().BeEmpty();
    }

    [Fact]
    public void ArtifactTypeOf_OnlyAString()
    {
        ReferrersIndex.ArtifactTypeOf(Descriptor(DigestA, Sbom)).Should().Be(Sbom);
        ReferrersIndex.ArtifactTypeOf(Descriptor(DigestA, null)).Should().BeNull();
        ReferrersIndex.ArtifactTypeOf(new JsonObject { ["artifactType"] = 1 }).Should().BeNull();
        ReferrersIndex.ArtifactTypeOf(new JsonObject { ["artifactType"] = new JsonObject() }).Should().BeNull();
    }

    [Fact]
    public void Write_NoDescriptors_TheEmptyIndexExactly()
    {
        Text(ReferrersIndex.Write([])).Should().Be($$$"""{"schemaVersion":2,"mediaType":"{{{Index}}}","manifests":[]}""");
    }

    [Fact]
    public void Write_DescriptorsReadFromATagIndex_InOrderAndPlusSignsUnescaped()
    {
        ReferrersIndex.TryRead(Bytes($$$"""{"manifests":[{"digest":"{{{DigestB}}}","artifactType":"{{{Signature}}}"},{"digest":"{{{DigestA}}}"}]}"""), out var descriptors).Should().BeTrue();

        var written = Text(ReferrersIndex.Write(descriptors));

        written.Should().Be($$$"""{"schemaVersion":2,"mediaType":"{{{Index}}}","manifests":[{"digest":"{{{DigestB}}}","artifactType":"{{{Signature}}}"},{"digest":"{{{DigestA}}}"}]}""");
    }

    [Fact]
    public void TryFilter_UpstreamPage_KeepsMatchingDescriptorsAndEveryOtherField()
    {
        var page = Bytes($$$"""{"schemaVersion":2,"mediaType":"{{{Index}}}","manifests":[{"digest":"{{{DigestA}}}","artifactType":"{{{Sbom}}}"},"junk",{"digest":"{{{DigestB}}}","artifactType":"{{{Signature}}}"},{"digest":"{{{DigestB}}}"}],"annotations":{"page":"1"}}""");

        ReferrersIndex.TryFilter(page, Sbom, out var filtered).Should().BeTrue();

        Text(filtered).Should().Be($$$"""{"schemaVersion":2,"mediaType":"{{{Index}}}","manifests":[{"digest":"{{{DigestA}}}","artifactType":"{{{Sbom}}}"}],"annotations":{"page":"1"}}""");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"errors\":[]}")]
    public void TryFilter_NotAnIndex_False(string body)
    {
        ReferrersIndex.TryFilter(Bytes(body), Sbom, out var filtered).Should().BeFalse();
        filtered.Should().BeEmpty();
    }

    private static JsonObject Descriptor(string digest, string? artifactType)
    {
        var descriptor = new JsonObject { ["mediaType"] = Manifest, ["digest"] = digest, ["size"] = 1 };
        if (artifactType is not null)
        {
            descriptor["artifactType"] = artifactType;
        }

        return descriptor;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
