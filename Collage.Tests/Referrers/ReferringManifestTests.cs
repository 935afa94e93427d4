using System.Text;
using System.Text.Json.Nodes;
using Collage.Transforms.Referrers;

namespace Collage.Tests.Referrers;

public sealed class ReferringManifestTests
{
    private const string Sbom = "application/vnd.example.sbom.v1+json";
    private const string ConfigType = "application/vnd.example.config.v1+json";
    private static readonly string Digest = "sha256:" + new string('c', 64);

    [Fact]
    public void TryDescribe_ManifestWithArtifactType_ItsTypeAndAnnotations()
    {
        var descriptor = Bare();

        var described = ReferringManifest.TryDescribe(Manifest($$"""
            "artifactType":"{{Sbom}}","config":{"mediaType":"{{ConfigType}}"},"annotations":{"a":"1","b":""}
            """), descriptor);

        described.Should().BeTrue();
        descriptor["artifactType"]!.GetValue<string>().Should().Be(Sbom);
        JsonNode.DeepEquals(descriptor["annotations"], JsonNode.Parse("""{"a":"1","b":""}""")).Should().BeTrue();
        descriptor["digest"]!.GetValue<string>().Should().Be(Digest, "what the tag wrote stays");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"artifactType\":\"\",")]
    [InlineData("\"artifactType\":null,")]
    public void TryDescribe_NoArtifactType_TheConfigsMediaType(string artifactType)
    {
        var descriptor = Bare();

        ReferringManifest.TryDescribe(Manifest($$"""{{artifactType}}"config":{"mediaType":"{{ConfigType}}"}"""), descriptor).Should().BeTrue();

        descriptor["artifactType"]!.GetValue<string>().Should().Be(ConfigType);
        descriptor["annotations"].Should().BeNull("the manifest has none");
    }

    [Fact]
    public void TryDescribe_DescriptorAlreadyAnnotated_KeepsItsOwnAnnotations()
    {
        var descriptor = Bare();
        descriptor["annotations"] = new JsonObject { ["written"] = "by the tag" };

        ReferringManifest.TryDescribe(Manifest($$"""
            "artifactType":"{{Sbom}}","annotations":{"from":"manifest"}
            """), descriptor).Should().BeTrue();

        descriptor["annotations"]!.ToJsonString().Should().Be("""{"written":"by the tag"}""");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{}")]
    [InlineData("{\"config\":{}}")]
    [InlineData("{\"config\":\"x\"}")]
    [InlineData("{\"artifactType\":5,\"config\":{\"mediaType\":7}}")]
    [InlineData("{\"artifactType\":")]
    public void TryDescribe_NotAManifestWithAType_FalseAndDescriptorUnchanged(string manifest)
    {
        var descriptor = Bare();
        var before = descriptor.ToJsonString();

        ReferringManifest.TryDescribe(Encoding.UTF8.GetBytes(manifest), descriptor).Should().BeFalse();

        descriptor.ToJsonString().Should().Be(before);
    }

    private static JsonObject Bare() => new() { ["mediaType"] = "application/vnd.oci.image.manifest.v1+json", ["digest"] = Digest, ["size"] = 3 };

    private static byte[] Manifest(string fields) =>
        Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",{{fields.Trim().TrimEnd(',')}}}""");
}
