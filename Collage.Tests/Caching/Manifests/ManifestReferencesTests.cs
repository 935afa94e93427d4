using System.Text;
using Collage.Transforms.Caching.Manifests;

namespace Collage.Tests.Caching.Manifests;

public sealed class ManifestReferencesTests
{
    private static readonly string A = new('a', 64);
    private static readonly string B = new('b', 64);
    private static readonly string C = new('c', 64);
    private static readonly string D = new('d', 64);

    [Fact]
    public void Collect_ImageManifest_ConfigLayersAndSubject()
    {
        var manifest = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{A}}}","size":1},
             "layers":[{"digest":"sha256:{{{B}}}","size":1},{"digest":"sha256:{{{C}}}","size":1}],
             "subject":{"digest":"sha256:{{{D}}}","size":1}}
            """;

        ManifestReferences.Collect(Encoding.UTF8.GetBytes(manifest)).Should().BeEquivalentTo([A, B, C, D]);
    }

    [Fact]
    public void Collect_IndexOrDockerList_ItsManifests()
    {
        var index = $$$"""{"schemaVersion":2,"manifests":[{"digest":"sha256:{{{A}}}","platform":{"os":"linux"}},{"digest":"sha256:{{{B}}}"}]}""";

        ManifestReferences.Collect(Encoding.UTF8.GetBytes(index)).Should().Equal(A, B);
    }

    [Fact]
    public void Collect_ArtifactManifest_ItsBlobs()
    {
        var artifact = $$$"""{"mediaType":"application/vnd.oci.artifact.manifest.v1+json","blobs":[{"digest":"sha256:{{{C}}}"}]}""";

        ManifestReferences.Collect(Encoding.UTF8.GetBytes(artifact)).Should().Equal(C);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[{\"digest\":\"sha256:aaaa\"}]")]
    [InlineData("\"sha256\"")]
    [InlineData("{\"schemaVersion\":1,\"fsLayers\":[{\"blobSum\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}]}")]
    [InlineData("{\"layers\":{\"digest\":\"sha256:0000000000000000000000000000000000000000000000000000000000000000\"}}")]
    [InlineData("")]
    public void Collect_NotAManifestWithDescriptors_Nothing(string manifest)
    {
        ManifestReferences.Collect(Encoding.UTF8.GetBytes(manifest)).Should().BeEmpty();
    }

    [Fact]
    public void Collect_DigestsNotSha256OrMalformed_Skipped()
    {
        var upper = new string('A', 64);
        var manifest = $$$"""
            {"config":{"digest":"sha512:{{{A}}}{{{A}}}"},
             "layers":[{"digest":"sha256:{{{upper}}}"},{"digest":"sha256:abc"},{"digest":42},"sha256:{{{B}}}",{"digest":"sha256:{{{C}}}"}]}
            """;

        ManifestReferences.Collect(Encoding.UTF8.GetBytes(manifest)).Should().Equal(C);
    }
}
