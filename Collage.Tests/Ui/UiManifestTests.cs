using System.Text;
using Collage.Proxy.Ui.Manifests;

namespace Collage.Tests.Ui;

public sealed class UiManifestTests
{
    private const string A = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string C = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

    [Fact]
    public void Parse_ImageManifest_ConfigAndLayersSized()
    {
        var manifest = Parse($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{A}}}","size":100},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{B}}}","size":2000},
                       {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{C}}}","size":30000}]}
            """);

        manifest!.IsIndex.Should().BeFalse();
        manifest.Config!.Digest.Should().Be(A);
        manifest.Entries.Select(e => e.Size).Should().Equal(2000, 30000);
        manifest.ImageSize.Should().Be(32100);
    }

    [Fact]
    public void Parse_DockerList_PlatformsWithVariant()
    {
        var manifest = Parse($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
             {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{{{A}}}","size":500,"platform":{"os":"linux","architecture":"amd64"}},
             {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{{{B}}}","size":501,"platform":{"os":"linux","architecture":"arm","variant":"v7"}}]}
            """);

        manifest!.IsIndex.Should().BeTrue();
        manifest.MediaType.Should().Be("application/vnd.docker.distribution.manifest.list.v2+json");
        manifest.Entries.Select(e => e.Platform).Should().Equal("linux/amd64", "linux/arm/v7");
        manifest.ImageSize.Should().Be(0, "an index transfers its platforms' content, counted per platform");
    }

    [Fact]
    public void Parse_NoMediaTypeField_TakesTheContentType()
    {
        Parse("""{"schemaVersion":2,"layers":[]}""", "application/vnd.oci.image.manifest.v1+json")!.MediaType
            .Should().Be("application/vnd.oci.image.manifest.v1+json");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    public void Parse_NotAManifest_Null(string body)
    {
        Parse(body).Should().BeNull();
    }

    [Fact]
    public void Parse_BadDescriptors_LeftOut()
    {
        var manifest = Parse($$$"""
            {"layers":[{"digest":"sha256:short","size":1},{"digest":"{{{A}}}","size":-1},{"digest":"{{{A}}}","size":"9"},
                       {"digest":"{{{B}}}"},{"digest":"{{{C}}}","size":7}]}
            """);

        manifest!.Entries.Should().ContainSingle().Which.Digest.Should().Be(C);
    }

    [Fact]
    public void ParseReferrers_ArtifactTypes()
    {
        var referrers = UiManifest.ParseReferrers(Encoding.UTF8.GetBytes($$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
             {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{A}}}","size":10,"artifactType":"application/vnd.dev.cosign.artifact.sig.v1+json"}]}
            """));

        referrers.Should().ContainSingle().Which.ArtifactType.Should().Be("application/vnd.dev.cosign.artifact.sig.v1+json");
        UiManifest.ParseReferrers(Encoding.UTF8.GetBytes("{}")).Should().BeEmpty();
    }

    private static UiManifest? Parse(string json, string? contentType = null) => UiManifest.Parse(Encoding.UTF8.GetBytes(json), contentType);
}
